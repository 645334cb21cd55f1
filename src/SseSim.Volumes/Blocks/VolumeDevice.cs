using System.Security.Cryptography;
using SseSim.Core.Aws;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Nbd;
using SseSim.Volumes.Snapshots;

namespace SseSim.Volumes.Blocks;

/// <summary>
/// An attached volume: the plaintext data key (owned, zeroed on close), the block cipher and the block I/O
/// path of block-volume.md §4. Served over NBD as the export named after the volume id.
/// </summary>
internal sealed class VolumeDevice : INbdExport
{
    private readonly VolumeRuntime _runtime;
    private readonly IBlockStore _blocks;
    private readonly ISnapshotBlockStore _snapshots;
    private readonly SecretBytes? _dataKey;
    private readonly BlockCipher? _cipher;
    private readonly NonceCounter? _nonces;
    private readonly uint _writerId;
    private readonly VolumeLimiter? _limiter;
    private readonly CancellationTokenSource _closed = new();
    private bool _isClosed;

    public VolumeDevice(VolumeRuntime runtime, long sizeBytes, IBlockStore blocks, ISnapshotBlockStore snapshots,
        SecretBytes? dataKey, BlockCipher? cipher, NonceCounter? nonces, uint writerId, Caller attachedBy, VolumeLimiter? limiter)
    {
        _runtime = runtime;
        Size = sizeBytes;
        _blocks = blocks;
        _snapshots = snapshots;
        _dataKey = dataKey;
        _cipher = cipher;
        _nonces = nonces;
        _writerId = writerId;
        AttachedBy = attachedBy;
        _limiter = limiter;
    }

    public string Name => _runtime.VolumeId;

    public Core.Faults.IoLatencyFault? IoLatency { get; init; }

    public VolumeMetrics? Metrics { get; init; }

    public long Size { get; set; }

    public bool IsReadOnly => false;

    public CancellationToken Closed => _closed.Token;

    public bool IsClosed => _isClosed;

    /// <summary>Who attached: detach on terminate or server stop retires the grant as this caller.</summary>
    public Caller AttachedBy { get; }

    /// <summary>The attachment's plaintext data key, for tests that check it is zeroed on detach.</summary>
    internal SecretBytes? DataKey => _dataKey;

    public async ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (_limiter is not null)
        {
            await _limiter.AcquireAsync(destination.Length, cancellationToken);
        }
        if (IoLatency is not null)
        {
            await IoLatency.ApplyAsync(cancellationToken);
        }
        var block = new byte[BlockFormat.BlockSize];
        var record = new byte[BlockFormat.EncryptedRecordSize];
        var done = 0;
        while (done < destination.Length)
        {
            var position = offset + done;
            var index = position / BlockFormat.BlockSize;
            var within = (int)(position % BlockFormat.BlockSize);
            var take = Math.Min(BlockFormat.BlockSize - within, destination.Length - done);
            lock (_runtime.Gate)
            {
                ThrowIfClosed();
                ReadBlockLocked(index, block, record);
            }
            block.AsSpan(within, take).CopyTo(destination.Span[done..]);
            done += take;
        }
        CryptographicOperations.ZeroMemory(block);
        if (_cipher is not null)
        {
            Metrics?.RecordDecrypted(destination.Length);
        }
    }

    public async ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> source, bool fua, CancellationToken cancellationToken)
    {
        if (_limiter is not null)
        {
            await _limiter.AcquireAsync(source.Length, cancellationToken);
        }
        if (IoLatency is not null)
        {
            await IoLatency.ApplyAsync(cancellationToken);
        }
        if (source.IsEmpty)
        {
            return;
        }
        var block = new byte[BlockFormat.BlockSize];
        var record = new byte[BlockFormat.EncryptedRecordSize];
        // Durable bookkeeping first (allocation bits, nonce reservation), then the records (block-volume.md §3, §6).
        var firstIndex = offset / BlockFormat.BlockSize;
        await _runtime.Map.EnsureRangeAsync(firstIndex, ((offset + source.Length - 1) / BlockFormat.BlockSize) - firstIndex + 1, cancellationToken);
        var done = 0;
        while (done < source.Length)
        {
            var position = offset + done;
            var index = position / BlockFormat.BlockSize;
            var within = (int)(position % BlockFormat.BlockSize);
            var take = Math.Min(BlockFormat.BlockSize - within, source.Length - done);
            var counter = _nonces is null ? 0 : await _nonces.NextAsync(cancellationToken);
            lock (_runtime.Gate)
            {
                ThrowIfClosed();
                if (take < BlockFormat.BlockSize)
                {
                    ReadBlockLocked(index, block, record);
                }
                source.Span.Slice(done, take).CopyTo(block.AsSpan(within));
                WriteBlockLocked(index, block, counter, record);
            }
            done += take;
        }
        CryptographicOperations.ZeroMemory(block);
        if (_cipher is not null)
        {
            Metrics?.RecordEncrypted(source.Length);
        }
        if (fua)
        {
            await _blocks.FlushAsync(cancellationToken);
        }
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => _blocks.FlushAsync(cancellationToken);

    public ValueTask TrimAsync(long offset, long length, bool fua, CancellationToken cancellationToken) => WriteZeroesAsync(offset, length, fua, cancellationToken);

    public async ValueTask WriteZeroesAsync(long offset, long length, bool fua, CancellationToken cancellationToken)
    {
        var end = offset + length;
        var position = offset;
        var zeros = new byte[BlockFormat.BlockSize];
        while (position < end)
        {
            var index = position / BlockFormat.BlockSize;
            var within = (int)(position % BlockFormat.BlockSize);
            var take = (int)Math.Min(BlockFormat.BlockSize - within, end - position);
            if (take < BlockFormat.BlockSize)
            {
                await WriteAsync(position, zeros.AsMemory(0, take), false, cancellationToken);
            }
            else
            {
                await ZeroBlockAsync(index, cancellationToken);
            }
            position += take;
        }
        if (fua)
        {
            await _blocks.FlushAsync(cancellationToken);
        }
    }

    private async ValueTask ZeroBlockAsync(long index, CancellationToken cancellationToken)
    {
        var backed = _runtime.Base?.Entries.ContainsKey(index) == true;
        if (!backed)
        {
            lock (_runtime.Gate)
            {
                ThrowIfClosed();
                _runtime.CopyOnWriteLocked(index, ReadOwnRecord);
                _blocks.Delete(Name, index);
            }
            return;
        }
        // Deleting would let the base snapshot's data show through (block-volume.md §5.4): store zeros.
        await _runtime.Map.EnsureAsync(index, cancellationToken);
        var counter = _nonces is null ? 0 : await _nonces.NextAsync(cancellationToken);
        lock (_runtime.Gate)
        {
            ThrowIfClosed();
            WriteBlockLocked(index, new byte[BlockFormat.BlockSize], counter, new byte[BlockFormat.EncryptedRecordSize]);
        }
    }

    private void ReadBlockLocked(long index, Span<byte> plaintext, byte[] record)
    {
        int length;
        if (!_blocks.TryRead(Name, index, record, out length))
        {
            if (_runtime.Base is null || !_runtime.Base.Entries.TryGetValue(index, out var holder) || !_snapshots.TryRead(holder, index, record, out length))
            {
                plaintext.Clear();
                return;
            }
        }
        Decode(index, record.AsSpan(0, length), plaintext);
    }

    private void Decode(long index, ReadOnlySpan<byte> record, Span<byte> plaintext)
    {
        if (_cipher is not null)
        {
            _cipher.Open(index, record, plaintext);
        }
        else if (record.Length == BlockFormat.BlockSize)
        {
            record.CopyTo(plaintext);
        }
        else
        {
            throw new BlockIntegrityException($"Block {index}: unencrypted record of {record.Length} bytes.");
        }
    }

    private void WriteBlockLocked(long index, ReadOnlySpan<byte> plaintext, ulong counter, byte[] record)
    {
        if (_runtime.Pending.Count > 0)
        {
            _runtime.CopyOnWriteLocked(index, ReadOwnRecord);
        }
        if (_cipher is null)
        {
            _blocks.Write(Name, index, plaintext);
            return;
        }
        _cipher.Seal(index, _writerId, counter, plaintext, record);
        _blocks.Write(Name, index, record);
    }

    private byte[]? ReadOwnRecord(long index)
    {
        var record = new byte[BlockFormat.EncryptedRecordSize];
        return _blocks.TryRead(Name, index, record, out var length) ? record[..length] : null;
    }

    private void ThrowIfClosed()
    {
        if (_isClosed)
        {
            throw new NbdException(NbdError.Eshutdown, $"{Name} is detached.");
        }
    }

    /// <summary>Detach: drop NBD connections, then zero the keys under the block lock so no I/O is mid-crypto.</summary>
    public void Close()
    {
        _closed.Cancel();
        lock (_runtime.Gate)
        {
            _isClosed = true;
            _cipher?.Dispose();
            _dataKey?.Dispose();
        }
    }
}
