using BenchmarkDotNet.Attributes;
using SseSim.Core.Aws;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Kms;
using SseSim.Kms.Crypto;
using SseSim.Kms.Operations;
using SseSim.Storage.Faster;

namespace SseSim.Bench;

/// <summary>
/// In-process KMS operations through the full pipeline (resolution, policy, state, quota, audit), on the server's
/// storage: the FASTER tables and audit log in a temporary directory, so every call's audit event is written to disk
/// as the server writes it. (On the in-memory test storage the audit log kept every record in memory for good, a cost
/// of fresh pages the server does not pay, and no log writes, which it does.)
/// </summary>
[MemoryDiagnoser]
public class KmsBenchmarks
{
    private KmsService _kms = null!;
    private DirectoryInfo _directory = null!;
    private IStorageProvider _storage = null!;
    private Caller _caller = null!;
    private string _keyId = "";
    private byte[] _ciphertext = [];
    private readonly Dictionary<string, string> _context = new() { ["purpose"] = "bench" };

    [GlobalSetup]
    public async Task Setup()
    {
        // Quotas off: the benchmark measures the work, not the 10,000/s AWS default.
        _directory = Directory.CreateTempSubdirectory("ssesim-bench-kms-");
        _storage = new FasterStorageProvider(_directory.FullName);
        _kms = new KmsService(new KmsOptions { QuotasEnabled = false }, _storage, new RootKey(SecretBytes.Random(32)), TimeProvider.System);
        _caller = new Caller(new Identity("test", "test", "000000000000", "root"), "us-east-1");
        _keyId = (await _kms.InvokeAsync(_caller, "CreateKey", new CreateKeyRequest(), CreateKey.ExecuteAsync)).KeyMetadata.KeyId;
        var encrypted = await _kms.InvokeAsync(_caller, "Encrypt", new EncryptRequest { KeyId = _keyId, Plaintext = new byte[32], EncryptionContext = _context }, SseSim.Kms.Operations.Encrypt.ExecuteAsync);
        _ciphertext = encrypted.CiphertextBlob!;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _kms.DisposeAsync();
        await _storage.DisposeAsync();
        _directory.Delete(recursive: true);
    }

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
