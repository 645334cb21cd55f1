using SseSim.Server.Tests.Ec2;

namespace SseSim.Server.Tests.Samples;

/// <summary>
/// Every sample under samples/ runs here against the real server, exactly as the README tells a user to run it,
/// so none of them can rot. Scripts run as subprocesses; the C# samples run in-process through their entry classes.
/// </summary>
public sealed class SamplesTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly bool InCi = Environment.GetEnvironmentVariable("CI") == "true";

    [Fact]
    public async Task Aws_kms_practice_in_bash()
    {
        Assert.True(AwsCli.Available, "the aws CLI must be installed");
        var (code, output) = await RunAsync("bash", Sample("aws-kms-practice/kms-practice.sh"), server.Endpoint);
        Assert.True(code == 0, output);
        Assert.Contains("decrypt(wrapped key) == plaintext data key", output, StringComparison.Ordinal);
        Assert.Contains("decrypted text: Hello, KMS!", output, StringComparison.Ordinal);
        Assert.Contains("file round trip: 3000 bytes identical", output, StringComparison.Ordinal);
        Assert.EndsWith("OK", output.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Aws_kms_practice_in_PowerShell()
    {
        // pwsh is the PowerShell global tool pinned in .config/dotnet-tools.json (`dotnet tool restore` in .ci/run).
        var (restore, restoreOutput) = await RunAsync("dotnet", "tool", "restore");
        if (restore != 0 && !InCi)
        {
            return; // offline developer machine without the tool; CI must have it
        }
        Assert.True(restore == 0, restoreOutput);
        var (code, output) = await RunAsync("dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-File", Sample("aws-kms-practice/kms-practice.ps1"), "-Endpoint", server.Endpoint);
        Assert.True(code == 0, output);
        Assert.Contains("decrypt(wrapped key) == plaintext data key", output, StringComparison.Ordinal);
        Assert.Contains("decrypted text: Hello, KMS!", output, StringComparison.Ordinal);
        Assert.Contains("file round trip: 3000 bytes identical", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Envelope_encryption_of_a_file_with_the_AWS_SDK_for_NET()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("sseSim-envelope-").FullName, "notes.bin");
        var content = new byte[100_000];
        Random.Shared.NextBytes(content);
        await File.WriteAllBytesAsync(file, content);
        var log = new StringWriter();

        var code = await EnvelopeEncryption.EnvelopeFile.RunAsync(server.Endpoint, file, log);

        Assert.True(code == 0, log.ToString());
        Assert.Contains("identical to", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("refused with InvalidCiphertextException", log.ToString(), StringComparison.Ordinal);
        // Beside the file: its ciphertext (nonce + data + tag) and the wrapped key, never the plaintext key.
        var encrypted = await File.ReadAllBytesAsync(file + ".enc");
        Assert.Equal(content.Length + 12 + 16, encrypted.Length);
        Assert.False(encrypted.AsSpan(12, 1000).SequenceEqual(content.AsSpan(0, 1000)));
        Assert.InRange(new FileInfo(file + ".key").Length, 100, 400);
    }

    [Fact]
    public async Task S3_SSE_KMS_with_the_MinIO_client()
    {
        var log = new StringWriter();
        var code = await S3SseKmsMinio.MinioSseKmsSample.RunAsync(server.Endpoint, log);
        Assert.True(code == 0, log.ToString());
        Assert.Contains("x-amz-server-side-encryption: aws:kms", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("range get bytes 7-13: SSE-KMS", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("with the key disabled, get fails", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("bucket-key-enabled: true", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task S3_SSE_KMS_with_boto3()
    {
        var (code, output) = await RunAsync("python3", Sample("s3-sse-kms-boto3/s3_sse_kms.py"), server.Endpoint);
        Assert.True(code == 0, output);
        Assert.Contains("with the key disabled, get fails: KMS.DisabledException (HTTP 400)", output, StringComparison.Ordinal);
        Assert.Contains("BucketKeyEnabled=True", output, StringComparison.Ordinal);
        Assert.EndsWith("OK", output.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ebs_volume_with_the_aws_CLI_and_qemu_io()
    {
        Assert.True(Tool.Exists("qemu-io"), "qemu-io must be installed (.ci/run installs qemu-utils)");
        var (code, output) = await RunAsync("bash", Sample("ebs-volume/ebs-volume.sh"), server.Endpoint, server.NbdPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(code == 0, output);
        Assert.Contains("wrote 1048576/1048576 bytes", output, StringComparison.Ordinal);
        Assert.Equal(2, output.Split("read 1048576/1048576 bytes").Length - 1);
        Assert.EndsWith("OK", output.TrimEnd(), StringComparison.Ordinal);
    }

    private static string RepoRoot { get; } = FindRepoRoot();

    private static string Sample(string relative) => Path.Combine(RepoRoot, "samples", relative);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SseSim.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("SseSim.sln not found above " + AppContext.BaseDirectory);
    }

    private static Task<(int ExitCode, string Output)> RunAsync(string file, params string[] args)
    {
        var psi = Tool.StartInfo(file, args);
        psi.WorkingDirectory = RepoRoot;
        AwsCli.UseTestCredentials(psi);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        return Tool.RunAsync(psi);
    }
}
