using System.Buffers.Binary;
using System.Security.Cryptography;
using SseSim.Core.Secrets;

namespace SseSim.Volumes.Blocks;

/// <summary>
/// Seals and opens 4 KiB blocks of one lineage (block-volume.md §4). Owns the derived block key; dispose
/// zeroes it. Thread-safe: AesGcm instances are not, and building one per block costs more than the
/// encryption, so instances are pooled.
/// </summary>
public sealed class BlockCipher : IDisposable
{
    private readonly SecretBytes _blockKey;
    private readonly string _lineageId;
    private readonly IReadOnlyDictionary<uint, string> _writers;
    private readonly System.Collections.Concurrent.ConcurrentBag<AesGcm> _pool = [];
    private bool _disposed;

    /// <param name="writers">The reader's writer set: writer id → resource id (block-volume.md §4 read step 3).</param>
    public BlockCipher(SecretBytes dataKey, string lineageId, IReadOnlyDictionary<uint, string> writers)
    {
        _blockKey = BlockFormat.DeriveBlockKey(dataKey, lineageId);
        _lineageId = lineageId;
        _writers = writers;
    }

    public string LineageId => _lineageId;

    public void Seal(long blockIndex, uint writerId, ulong counter, ReadOnlySpan<byte> plaintext, Span<byte> record)
    {
        if (plaintext.Length != BlockFormat.BlockSize || record.Length < BlockFormat.EncryptedRecordSize)
        {
            throw new ArgumentException("A block is exactly 4096 bytes and its record 4124.");
        }
        if (!_writers.TryGetValue(writerId, out var writerResource))
        {
            throw new InvalidOperationException($"Writer {writerId} is not in this volume's writer set.");
        }
        var nonce = record[..BlockFormat.NonceSize];
        BinaryPrimitives.WriteUInt32BigEndian(nonce, writerId);
        BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], counter);
        var aad = BlockFormat.BuildAad(blockIndex, counter, _lineageId, writerResource);
        var gcm = Rent();
        try
        {
            gcm.Encrypt(nonce, plaintext, record.Slice(BlockFormat.NonceSize + BlockFormat.TagSize, BlockFormat.BlockSize),
                record.Slice(BlockFormat.NonceSize, BlockFormat.TagSize), aad);
        }
        finally
        {
            _pool.Add(gcm);
        }
    }

    /// <exception cref="BlockIntegrityException">Unknown writer, bad length or failed tag.</exception>
    public void Open(long blockIndex, ReadOnlySpan<byte> record, Span<byte> plaintext)
    {
        if (record.Length != BlockFormat.EncryptedRecordSize)
        {
            throw new BlockIntegrityException($"Block {blockIndex}: record of {record.Length} bytes.");
        }
        var writerId = BlockFormat.WriterIdOf(record);
        if (!_writers.TryGetValue(writerId, out var writerResource))
        {
            throw new BlockIntegrityException($"Block {blockIndex}: written by writer {writerId}, unknown to this volume.");
        }
        var counter = BlockFormat.CounterOf(record);
        var aad = BlockFormat.BuildAad(blockIndex, counter, _lineageId, writerResource);
        var gcm = Rent();
        try
        {
            gcm.Decrypt(record[..BlockFormat.NonceSize], record.Slice(BlockFormat.NonceSize + BlockFormat.TagSize, BlockFormat.BlockSize),
                record.Slice(BlockFormat.NonceSize, BlockFormat.TagSize), plaintext[..BlockFormat.BlockSize], aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new BlockIntegrityException($"Block {blockIndex}: authentication tag mismatch.");
        }
        finally
        {
            _pool.Add(gcm);
        }
    }

    private AesGcm Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _pool.TryTake(out var gcm) ? gcm : new AesGcm(_blockKey.UnsafeExpose(), BlockFormat.TagSize);
    }

    /// <summary>Zeroes the block key and frees the pooled AES contexts (which hold expanded key schedules).</summary>
    public void Dispose()
    {
        _disposed = true;
        while (_pool.TryTake(out var gcm))
        {
            gcm.Dispose();
        }
        _blockKey.Dispose();
    }
}
