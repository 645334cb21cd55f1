using System.Buffers;
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

    // Requests sealing or opening blocks outside the block lock; Close waits for them before zeroing the key.
    private int _cryptoUsers;

    public VolumeDevice(VolumeRuntime runtime, long sizeBytes, IBlockStore blocks, ISnapshotBlockStore snapshots,
        SecretBytes? dataKey, BlockCipher? cipher, NonceCounter? nonces, uint writerId, VolumeLimiter? limiter)
    {
        _runtime = runtime;
        Size = sizeBytes;
        _blocks = blocks;
        _snapshots = snapshots;
        _dataKey = dataKey;
        _cipher = cipher;
        _nonces = nonces;
        _writerId = writerId;
        _limiter = limiter;
    }

    public string Name => _runtime.VolumeId;

    public Core.Faults.IoLatencyFault? IoLatency { get; init; }

    public VolumeMetrics? Metrics { get; init; }

    public long Size { get; set; }

    public bool IsReadOnly => false;

    public CancellationToken Closed => _closed.Token;

    public bool IsClosed => _isClosed;

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
        if (destination.IsEmpty)
        {
            return;
        }
        ReadRange(offset, destination.Span);
        if (_cipher is not null)
        {
            Metrics?.RecordDecrypted(destination.Length);
        }
    }

    /// <summary>
    /// Reads the range's records and opens them outside the block lock, so concurrent requests wait on disk and
    /// decrypt in parallel; the lock covers only the closed check and base-snapshot lookups.
    /// </summary>
    private void ReadRange(long offset, Span<byte> destination)
    {
        var first = offset / BlockFormat.BlockSize;
        var count = (int)(((offset + destination.Length - 1) / BlockFormat.BlockSize) - first + 1);
        var records = ArrayPool<byte>.Shared.Rent(count * BlockFormat.EncryptedRecordSize);
        var lengths = ArrayPool<int>.Shared.Rent(count);
        var block = ArrayPool<byte>.Shared.Rent(BlockFormat.BlockSize);
        try
        {
            lock (_runtime.Gate)
            {
                ThrowIfClosed();
                Interlocked.Increment(ref _cryptoUsers);
            }
            try
            {
                // The store reads run outside the block lock (a read racing a write of the same block sees either
                // record, as NBD allows for overlapping requests), so requests waiting on disk overlap.
                _blocks.ReadMany(Name, first, count, records, BlockFormat.EncryptedRecordSize, lengths);
                if (_runtime.Base is not null && lengths.AsSpan(0, count).Contains(-1))
                {
                    lock (_runtime.Gate)
                    {
                        for (var i = 0; i < count; i++)
                        {
                            if (lengths[i] < 0)
                            {
                                lengths[i] = ReadBaseRecordLocked(first + i, records.AsSpan(i * BlockFormat.EncryptedRecordSize, BlockFormat.EncryptedRecordSize));
                            }
                        }
                    }
                }
                var done = 0;
                for (var i = 0; i < count; i++)
                {
                    var within = i == 0 ? (int)(offset % BlockFormat.BlockSize) : 0;
                    var take = Math.Min(BlockFormat.BlockSize - within, destination.Length - done);
                    var record = records.AsSpan(i * BlockFormat.EncryptedRecordSize, Math.Max(lengths[i], 0));
                    if (take == BlockFormat.BlockSize)
                    {
                        DecodeOrZero(first + i, record, lengths[i] >= 0, destination.Slice(done, take));
                    }
                    else
                    {
                        DecodeOrZero(first + i, record, lengths[i] >= 0, block.AsSpan(0, BlockFormat.BlockSize));
                        block.AsSpan(within, take).CopyTo(destination[done..]);
                    }
                    done += take;
                }
            }
            finally
            {
                Interlocked.Decrement(ref _cryptoUsers);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block.AsSpan(0, BlockFormat.BlockSize));
            ArrayPool<byte>.Shared.Return(block);
            ArrayPool<int>.Shared.Return(lengths);
            ArrayPool<byte>.Shared.Return(records);
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
        // Durable bookkeeping first (allocation bits, nonce reservation), then the records (block-volume.md §3, §6).
        var first = offset / BlockFormat.BlockSize;
        var count = (int)(((offset + source.Length - 1) / BlockFormat.BlockSize) - first + 1);
        await _runtime.Map.EnsureRangeAsync(first, count, cancellationToken);
        var counters = ArrayPool<ulong>.Shared.Rent(count);
        var records = ArrayPool<byte>.Shared.Rent(count * BlockFormat.EncryptedRecordSize);
        try
        {
            for (var i = 0; i < count; i++)
            {
                counters[i] = _nonces is null ? 0 : await _nonces.NextAsync(cancellationToken);
            }
            WriteRange(offset, source.Span, first, count, counters, records);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(records);
            ArrayPool<ulong>.Shared.Return(counters);
        }
        if (_cipher is not null)
        {
            Metrics?.RecordEncrypted(source.Length);
        }
        if (fua)
        {
            await _blocks.FlushAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Seals whole blocks outside the block lock (in parallel with other requests), then stores every record
    /// under it; a partial block is read, merged and sealed under the lock so a concurrent write cannot be lost.
    /// </summary>
    private void WriteRange(long offset, ReadOnlySpan<byte> source, long first, int count, ulong[] counters, byte[] records)
    {
        var within0 = (int)(offset % BlockFormat.BlockSize);
        var whole = new bool[count];
        for (var i = 0; i < count; i++)
        {
            var start = i == 0 ? 0 : ((i * BlockFormat.BlockSize) - within0);
            var take = Math.Min(BlockFormat.BlockSize - (i == 0 ? within0 : 0), source.Length - start);
            whole[i] = take == BlockFormat.BlockSize;
        }
        var block = ArrayPool<byte>.Shared.Rent(BlockFormat.BlockSize);
        try
        {
            if (_cipher is not null)
            {
                lock (_runtime.Gate)
                {
                    ThrowIfClosed();
                    Interlocked.Increment(ref _cryptoUsers);
                }
                try
                {
                    for (var i = 0; i < count; i++)
                    {
                        if (whole[i])
                        {
                            var start = i == 0 ? 0 : ((i * BlockFormat.BlockSize) - within0);
                            _cipher.Seal(first + i, _writerId, counters[i], source.Slice(start, BlockFormat.BlockSize),
                                records.AsSpan(i * BlockFormat.EncryptedRecordSize, BlockFormat.EncryptedRecordSize));
                        }
                    }
                }
                finally
                {
                    Interlocked.Decrement(ref _cryptoUsers);
                }
            }
            lock (_runtime.Gate)
            {
                ThrowIfClosed();
                for (var i = 0; i < count; i++)
                {
                    var index = first + i;
                    var within = i == 0 ? within0 : 0;
                    var start = i == 0 ? 0 : ((i * BlockFormat.BlockSize) - within0);
                    var take = Math.Min(BlockFormat.BlockSize - within, source.Length - start);
                    if (_runtime.Pending.Count > 0)
                    {
                        _runtime.CopyOnWriteLocked(index, ReadOwnRecord);
                    }
                    if (whole[i])
                    {
                        _blocks.Write(Name, index, _cipher is null
                            ? source.Slice(start, BlockFormat.BlockSize)
                            : records.AsSpan(i * BlockFormat.EncryptedRecordSize, BlockFormat.EncryptedRecordSize));
                        continue;
                    }
                    var plaintext = block.AsSpan(0, BlockFormat.BlockSize);
                    var record = records.AsSpan(i * BlockFormat.EncryptedRecordSize, BlockFormat.EncryptedRecordSize);
                    var length = ReadRecordLocked(index, record);
                    DecodeOrZero(index, record[..Math.Max(length, 0)], length >= 0, plaintext);
                    source.Slice(start, take).CopyTo(plaintext[within..]);
                    WriteBlockLocked(index, plaintext, counters[i], record);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block.AsSpan(0, BlockFormat.BlockSize));
            ArrayPool<byte>.Shared.Return(block);
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

    /// <summary>
    /// Whole blocks that no base snapshot backs are zeroed by deleting their records (or by nothing, if never written),
    /// with no crypto; a partial block or one the base backs needs zeros written.
    /// </summary>
    public bool CanZeroFast(long offset, long length)
    {
        if (offset % BlockFormat.BlockSize != 0 || length % BlockFormat.BlockSize != 0)
        {
            return false;
        }
        var first = offset / BlockFormat.BlockSize;
        var end = first + (length / BlockFormat.BlockSize);
        lock (_runtime.Gate)
        {
            return _runtime.Base is not { } manifest || !manifest.Entries.Keys.Any(k => k >= first && k < end);
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
                if (!_runtime.Map.Contains(index))
                {
                    // Never written (its bit precedes its first write, §6), so there is no record to remove.
                    return;
                }
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

    /// <summary>Blocks one BLOCK_STATUS answer looks at (256 MiB); clients ask again from where the answer stops.</summary>
    private const int MaxStatusBlocks = 65536;

    /// <summary>
    /// base:allocation (block-volume.md §1.1): a block the volume has a record for (its allocation bit) or that its base
    /// snapshot holds is data (0); any other block was never written and reads as zeros without touching the store
    /// (hole and zero).
    /// </summary>
    public ValueTask<IReadOnlyList<NbdExtent>> GetAllocationAsync(long offset, long length, CancellationToken cancellationToken)
    {
        var first = offset / BlockFormat.BlockSize;
        var count = (int)Math.Min(MaxStatusBlocks, ((offset + length - 1) / BlockFormat.BlockSize) - first + 1);
        var allocated = ArrayPool<bool>.Shared.Rent(count);
        try
        {
            lock (_runtime.Gate)
            {
                ThrowIfClosed();
                _runtime.Map.Read(first, allocated.AsSpan(0, count));
                if (_runtime.Base is { } manifest)
                {
                    for (var i = 0; i < count; i++)
                    {
                        allocated[i] |= manifest.Entries.ContainsKey(first + i);
                    }
                }
            }
            var extents = new List<NbdExtent>();
            var end = offset + length;
            var position = offset;
            for (var i = 0; i < count && position < end; i++)
            {
                var blockEnd = Math.Min((first + i + 1) * BlockFormat.BlockSize, end);
                var flags = allocated[i] ? 0 : NbdState.Hole | NbdState.Zero;
                if (extents.Count > 0 && extents[^1].Flags == flags)
                {
                    extents[^1] = extents[^1] with { Length = extents[^1].Length + (blockEnd - position) };
                }
                else
                {
                    extents.Add(new NbdExtent(blockEnd - position, flags));
                }
                position = blockEnd;
            }
            return ValueTask.FromResult<IReadOnlyList<NbdExtent>>(extents);
        }
        finally
        {
            ArrayPool<bool>.Shared.Return(allocated);
        }
    }

    /// <summary>The block's own record, else its base snapshot's; the record length, or -1 when it reads as zeros.</summary>
    private int ReadRecordLocked(long index, Span<byte> record) =>
        _blocks.TryRead(Name, index, record, out var length) ? length : ReadBaseRecordLocked(index, record);

    /// <summary>A block the volume never wrote: its base snapshot's record, or -1 (zeros).</summary>
    private int ReadBaseRecordLocked(long index, Span<byte> record)
    {
        int length;
        if (_runtime.Base is not null && _runtime.Base.Entries.TryGetValue(index, out var holder) && _snapshots.TryRead(holder, index, record, out length))
        {
            return length;
        }
        return -1;
    }

    private void DecodeOrZero(long index, ReadOnlySpan<byte> record, bool exists, Span<byte> plaintext)
    {
        if (!exists)
        {
            plaintext.Clear();
        }
        else if (_cipher is not null)
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

    private void WriteBlockLocked(long index, ReadOnlySpan<byte> plaintext, ulong counter, Span<byte> record)
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
        }
        // Requests that took the cipher before the close finish their current range (CPU only, no I/O).
        var spin = default(SpinWait);
        while (Volatile.Read(ref _cryptoUsers) > 0)
        {
            spin.SpinOnce();
        }
        lock (_runtime.Gate)
        {
            _cipher?.Dispose();
            _dataKey?.Dispose();
        }
    }
}
