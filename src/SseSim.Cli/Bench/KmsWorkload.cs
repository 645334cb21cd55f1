using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace SseSim.Cli.Bench;

/// <summary>kms-gdk, kms-encrypt, kms-decrypt and kms-reencrypt over AWSSDK.KeyManagementService, one symmetric key (two for ReEncrypt).</summary>
public sealed class KmsWorkload(BenchOptions o) : IWorkload
{
    private static readonly Dictionary<string, string> Context = new() { ["purpose"] = "ssesim-bench" };
    private readonly AmazonKeyManagementServiceClient _kms = AwsClients.Kms(o);
    private readonly int _size = (int)o.Size.Max;
    private string _keyId = o.KmsKeyId ?? "";
    private string _otherKeyId = "";
    private byte[] _plaintext = [];
    private byte[] _ciphertext = [];

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
    }

    public async ValueTask<OpResult> ExecuteAsync(int worker, long sequence, CancellationToken cancellationToken)
    {
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
        return ValueTask.CompletedTask;
    }
}
