using BenchmarkDotNet.Attributes;
using SseSim.Core.Aws;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Kms;
using SseSim.Kms.Crypto;
using SseSim.Kms.Operations;

namespace SseSim.Bench;

/// <summary>In-process KMS operations through the full pipeline (resolution, policy, state, quota, audit).</summary>
[MemoryDiagnoser]
public class KmsBenchmarks
{
    private KmsService _kms = null!;
    private Caller _caller = null!;
    private string _keyId = "";
    private byte[] _ciphertext = [];
    private readonly Dictionary<string, string> _context = new() { ["purpose"] = "bench" };

    [GlobalSetup]
    public async Task Setup()
    {
        // Quotas off: the benchmark measures the work, not the 10,000/s AWS default.
        _kms = new KmsService(new KmsOptions { QuotasEnabled = false }, new InMemoryStorageProvider(), new RootKey(SecretBytes.Random(32)), TimeProvider.System);
        _caller = new Caller(new Identity("test", "test", "000000000000", "root"), "us-east-1");
        _keyId = (await _kms.InvokeAsync(_caller, "CreateKey", new CreateKeyRequest(), CreateKey.ExecuteAsync)).KeyMetadata.KeyId;
        var encrypted = await _kms.InvokeAsync(_caller, "Encrypt", new EncryptRequest { KeyId = _keyId, Plaintext = new byte[32], EncryptionContext = _context }, SseSim.Kms.Operations.Encrypt.ExecuteAsync);
        _ciphertext = encrypted.CiphertextBlob!;
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _kms.DisposeAsync();

    [Benchmark]
    public async Task GenerateDataKey()
    {
        var r = await _kms.InvokeAsync(_caller, "GenerateDataKey", new GenerateDataKeyRequest { KeyId = _keyId, KeySpec = "AES_256", EncryptionContext = _context }, SseSim.Kms.Operations.GenerateDataKey.ExecuteAsync);
        r.Plaintext?.Dispose();
    }

    [Benchmark]
    public async Task Encrypt() =>
        await _kms.InvokeAsync(_caller, "Encrypt", new EncryptRequest { KeyId = _keyId, Plaintext = new byte[32], EncryptionContext = _context }, SseSim.Kms.Operations.Encrypt.ExecuteAsync);

    [Benchmark]
    public async Task Decrypt()
    {
        var r = await _kms.InvokeAsync(_caller, "Decrypt", new DecryptRequest { CiphertextBlob = _ciphertext, EncryptionContext = _context }, SseSim.Kms.Operations.Decrypt.ExecuteAsync);
        r.Plaintext?.Dispose();
    }
}
