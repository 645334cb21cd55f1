# The classic `aws kms` practice from the KMS study notes, in PowerShell, against SseSim.
# On Windows the study notes decode the CLI's base64 output with `certutil -decode`; this script does the same when
# certutil is there, and uses .NET's base64 decoder otherwise (pwsh on Linux or macOS).
#
#   pwsh samples/aws-kms-practice/kms-practice.ps1 [-Endpoint http://127.0.0.1:4566]
param([string]$Endpoint = $(if ($env:SSESIM_ENDPOINT) { $env:SSESIM_ENDPOINT } else { "http://127.0.0.1:4566" }))
$ErrorActionPreference = "Stop"
if (-not $env:AWS_ACCESS_KEY_ID) { $env:AWS_ACCESS_KEY_ID = "test" }
if (-not $env:AWS_SECRET_ACCESS_KEY) { $env:AWS_SECRET_ACCESS_KEY = "test" }
if (-not $env:AWS_DEFAULT_REGION) { $env:AWS_DEFAULT_REGION = "us-east-1" }

function Invoke-Kms {
    $out = & aws --endpoint-url $Endpoint kms @args
    if ($LASTEXITCODE -ne 0) { throw "aws kms $($args -join ' ') failed with exit code $LASTEXITCODE" }
    return $out
}

function ConvertFrom-Base64File([string]$In, [string]$Out) {
    if (Get-Command certutil -ErrorAction SilentlyContinue) {
        & certutil -f -decode $In $Out | Out-Null
    } else {
        [IO.File]::WriteAllBytes($Out, [Convert]::FromBase64String((Get-Content -Raw $In).Trim()))
    }
}

$work = Join-Path ([IO.Path]::GetTempPath()) ("kms-practice-" + [guid]::NewGuid().ToString("N"))
New-Item -ItemType Directory $work | Out-Null
Push-Location $work
# .NET file APIs resolve relative paths against the process directory, not the PowerShell location.
$previousDirectory = [Environment]::CurrentDirectory
[Environment]::CurrentDirectory = $work
try {
    Write-Output "== 1. create-key"
    $keyId = (Invoke-Kms create-key --description "kms practice (PowerShell)" --query KeyMetadata.KeyId --output text).Trim()
    Write-Output "KeyId: $keyId"

    Write-Output "== 2. list-keys"
    Invoke-Kms list-keys --query "Keys[?KeyId=='$keyId'].KeyArn" --output text

    Write-Output "== 3. describe-key"
    Invoke-Kms describe-key --key-id $keyId --query "KeyMetadata.[KeyState,KeySpec,KeyUsage,KeyManager]" --output text

    Write-Output "== 4. generate-data-key"
    $dataKey = (Invoke-Kms generate-data-key --key-id $keyId --key-spec AES_256) -join "`n" | ConvertFrom-Json
    Set-Content -NoNewline -Path wrapped.b64 -Value $dataKey.CiphertextBlob
    ConvertFrom-Base64File wrapped.b64 wrapped.bin
    $plainKey = [Convert]::FromBase64String($dataKey.Plaintext)
    Write-Output ("plaintext data key: {0} bytes, wrapped data key: {1} bytes" -f $plainKey.Length, (Get-Item wrapped.bin).Length)
    $unwrapped = [Convert]::FromBase64String((Invoke-Kms decrypt --ciphertext-blob fileb://wrapped.bin --query Plaintext --output text).Trim())
    if ([Convert]::ToBase64String($unwrapped) -ne [Convert]::ToBase64String($plainKey)) { throw "decrypt(wrapped key) differs" }
    Write-Output "decrypt(wrapped key) == plaintext data key"
    [Array]::Clear($plainKey, 0, $plainKey.Length)
    [Array]::Clear($unwrapped, 0, $unwrapped.Length)

    Write-Output "== 5. encrypt text, then decrypt it"
    Set-Content -NoNewline -Path message.txt -Value "Hello, KMS!"
    Invoke-Kms encrypt --key-id $keyId --plaintext fileb://message.txt --query CiphertextBlob --output text | Set-Content -NoNewline -Path message.enc.b64
    ConvertFrom-Base64File message.enc.b64 message.enc
    Invoke-Kms decrypt --ciphertext-blob fileb://message.enc --query Plaintext --output text | Set-Content -NoNewline -Path message.out.b64
    ConvertFrom-Base64File message.out.b64 message.out
    $text = [IO.File]::ReadAllText((Join-Path $work message.out))
    Write-Output "decrypted text: $text"
    if ($text -ne "Hello, KMS!") { throw "text round trip failed" }

    Write-Output "== 6. encrypt a file, then decrypt it"
    $bytes = [byte[]]::new(3000)
    [Security.Cryptography.RandomNumberGenerator]::Fill($bytes)
    [IO.File]::WriteAllBytes((Join-Path $work secret.bin), $bytes)
    Invoke-Kms encrypt --key-id $keyId --plaintext fileb://secret.bin --query CiphertextBlob --output text | Set-Content -NoNewline -Path secret.enc.b64
    ConvertFrom-Base64File secret.enc.b64 secret.bin.enc
    Invoke-Kms decrypt --ciphertext-blob fileb://secret.bin.enc --query Plaintext --output text | Set-Content -NoNewline -Path secret.out.b64
    ConvertFrom-Base64File secret.out.b64 secret.bin.out
    $back = [IO.File]::ReadAllBytes((Join-Path $work secret.bin.out))
    if ([Convert]::ToBase64String($back) -ne [Convert]::ToBase64String($bytes)) { throw "file round trip failed" }
    Write-Output ("file round trip: {0} bytes identical" -f $back.Length)
    Write-Output "OK"
}
finally {
    [Environment]::CurrentDirectory = $previousDirectory
    Pop-Location
    Remove-Item -Recurse -Force $work
}
