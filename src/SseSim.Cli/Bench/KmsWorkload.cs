using System.Security.Cryptography;
using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace SseSim.Cli.Bench;

/// <summary>
/// kms-gdk, kms-encrypt, kms-decrypt and kms-reencrypt, one symmetric key (two for ReEncrypt): over
/// AWSSDK.KeyManagementService, or with <c>--client http</c> the same requests through <see cref="LeanHttp"/>
/// (set-up calls always use the SDK).
/// </summary>
public sealed class KmsWorkload(BenchOptions o) : IWorkload
{
    private static readonly Dictionary<string, string> Context = new() { ["purpose"] = "ssesim-bench" };
    private readonly AmazonKeyManagementServiceClient _kms = AwsClients.Kms(o);
    private readonly int _size = (int)o.Size.Max;
    private string _keyId = o.KmsKeyId ?? "";
    private string _otherKeyId = "";
    private byte[] _plaintext = [];
    private byte[] _ciphertext = [];
    private readonly LeanHttp? _lean = o.Client == "http" ? new LeanHttp(o) : null;
    private LeanHttp.JsonBody? _body;

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (o.KmsKeyId is null)
        {
            _keyId = (await _kms.CreateKeyAsync(new CreateKeyRequest { Description = "ssesim bench" }, cancellationToken)).KeyMetadata.KeyId;
        }
        _plaintext = RandomNumberGenerator.GetBytes(_size);
        if (o.Workload is "kms-decrypt" or "kms-reencrypt")
        {
            var encrypted = await _kms.EncryptAsync(new EncryptRequest { KeyId = _keyId, Plaintext = new MemoryStream(_plaintext, writable: false), EncryptionContext = Context }, cancellationToken);
            _ciphertext = encrypted.CiphertextBlob.ToArray();
        }
        if (o.Workload == "kms-reencrypt")
        {
            _otherKeyId = (await _kms.CreateKeyAsync(new CreateKeyRequest { Description = "ssesim bench (re-encrypt destination)" }, cancellationToken)).KeyMetadata.KeyId;
        }
        if (_lean is not null)
        {
            _body = LeanBody();
        }
    }

    private static void WriteContext(Utf8JsonWriter w, string name)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in Context)
        {
            w.WriteString(k, v);
        }
        w.WriteEndObject();
    }

    /// <summary>The request the SDK sends for this workload, as AWS JSON 1.1 (every call of a run sends the same body).</summary>
    private LeanHttp.JsonBody LeanBody() => o.Workload switch
    {
        "kms-gdk" => new("GenerateDataKey", w =>
        {
            w.WriteString("KeyId", _keyId);
            w.WriteString("KeySpec", "AES_256");
            WriteContext(w, "EncryptionContext");
        }),
        "kms-encrypt" => new("Encrypt", w =>
        {
            w.WriteString("KeyId", _keyId);
            w.WriteBase64String("Plaintext", _plaintext);
            WriteContext(w, "EncryptionContext");
        }),
        "kms-decrypt" => new("Decrypt", w =>
        {
            w.WriteBase64String("CiphertextBlob", _ciphertext);
            WriteContext(w, "EncryptionContext");
        }),
        _ => new("ReEncrypt", w =>
        {
            w.WriteBase64String("CiphertextBlob", _ciphertext);
            WriteContext(w, "SourceEncryptionContext");
            w.WriteString("DestinationKeyId", _otherKeyId);
            WriteContext(w, "DestinationEncryptionContext");
        }),
    };

    public async ValueTask<OpResult> ExecuteAsync(int worker, long sequence, CancellationToken cancellationToken)
    {
        if (_lean is not null)
        {
            await _lean.KmsAsync(_body!, cancellationToken);
            return new OpResult(_body!.Operation, o.Workload == "kms-gdk" ? 32 : _size);
        }
        switch (o.Workload)
        {
            case "kms-gdk":
                var key = await _kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = _keyId, KeySpec = DataKeySpec.AES_256, EncryptionContext = Context }, cancellationToken);
                CryptographicOperations.ZeroMemory(key.Plaintext.GetBuffer());
                return new OpResult("GenerateDataKey", 32);
            case "kms-encrypt":
                await _kms.EncryptAsync(new EncryptRequest { KeyId = _keyId, Plaintext = new MemoryStream(_plaintext, writable: false), EncryptionContext = Context }, cancellationToken);
                return new OpResult("Encrypt", _size);
            case "kms-decrypt":
                await _kms.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(_ciphertext, writable: false), EncryptionContext = Context }, cancellationToken);
                return new OpResult("Decrypt", _size);
            default:
                await _kms.ReEncryptAsync(new ReEncryptRequest
                {
                    CiphertextBlob = new MemoryStream(_ciphertext, writable: false),
                    SourceEncryptionContext = Context,
                    DestinationKeyId = _otherKeyId,
                    DestinationEncryptionContext = Context,
                }, cancellationToken);
                return new OpResult("ReEncrypt", _size);
        }
    }

    public ValueTask DisposeAsync()
    {
        _kms.Dispose();
        _lean?.Dispose();
        return ValueTask.CompletedTask;
    }
}
