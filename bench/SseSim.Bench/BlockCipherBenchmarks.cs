using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using SseSim.Core.Secrets;
using SseSim.Volumes.Blocks;

namespace SseSim.Bench;

/// <summary>One 4 KiB EBS block sealed and opened (per-block AES-256-GCM with the lineage AAD), against raw AesGcm on the same buffers.</summary>
[MemoryDiagnoser]
public class BlockCipherBenchmarks
{
    private const string Lineage = "vol-0123456789abcdef0";
    private readonly byte[] _plain = RandomNumberGenerator.GetBytes(BlockFormat.BlockSize);
    private readonly byte[] _record = new byte[BlockFormat.EncryptedRecordSize];
    private readonly byte[] _plainOut = new byte[BlockFormat.BlockSize];
    private readonly byte[] _nonce = new byte[BlockFormat.NonceSize];
    private readonly byte[] _tag = new byte[BlockFormat.TagSize];
    private readonly byte[] _cipher = new byte[BlockFormat.BlockSize];
    private BlockCipher _cipherUnderTest = null!;
    private AesGcm _raw = null!;
    private ulong _counter;

    [GlobalSetup]
    public void Setup()
    {
        using var dataKey = SecretBytes.Random(BlockFormat.DataKeySize);
        _cipherUnderTest = new BlockCipher(dataKey, Lineage, new Dictionary<uint, string> { [1] = Lineage });
        _cipherUnderTest.Seal(7, 1, ++_counter, _plain, _record);
        _raw = new AesGcm(RandomNumberGenerator.GetBytes(32), BlockFormat.TagSize);
        _raw.Encrypt(_nonce, _plain, _cipher, _tag);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cipherUnderTest.Dispose();
        _raw.Dispose();
    }

    [Benchmark]
    public void BlockSeal() => _cipherUnderTest.Seal(7, 1, ++_counter, _plain, _record);

    /// <summary>Opens the record the last seal wrote (seal and open alternate only in setup, so this opens a fixed record).</summary>
    [Benchmark]
    public void BlockOpen() => _cipherUnderTest.Open(7, _record, _plainOut);

    [Benchmark]
    public void RawAesGcmSeal4K() => _raw.Encrypt(_nonce, _plain, _cipher, _tag);

    [Benchmark]
    public void RawAesGcmOpen4K() => _raw.Decrypt(_nonce, _cipher, _tag, _plainOut);
}
