using SseSim.Core.Storage;

namespace SseSim.Volumes.Blocks;

/// <summary>
/// Which blocks of a volume may have an own record (block-volume.md §6 <c>ebs/map</c>). IBlockStore cannot
/// enumerate, so snapshots and deletes walk this map. A bit is made durable before the block's first write.
/// </summary>
internal sealed class AllocationMap
{
    public const int BlocksPerChunk = 32768;

    private readonly IKeyValueStore _kv;
    private readonly string _prefix;
    private readonly Dictionary<long, byte[]> _chunks = [];
    private readonly SemaphoreSlim _persist = new(1, 1);
    private readonly Lock _lock = new();

    public AllocationMap(IKeyValueStore kv, string volumeId)
    {
        _kv = kv;
        _prefix = Keys.MapPrefix(volumeId);
        foreach (var (key, value) in kv.Scan(_prefix))
        {
            _chunks[Convert.ToInt64(key[_prefix.Length..], 16)] = value;
        }
    }

    public bool Contains(long blockIndex)
    {
        lock (_lock)
        {
            return IsSetLocked(blockIndex);
        }
    }

    private bool IsSetLocked(long blockIndex) =>
        _chunks.TryGetValue(blockIndex / BlocksPerChunk, out var c) && (c[(int)(blockIndex % BlocksPerChunk) / 8] & (1 << (int)(blockIndex % 8))) != 0;

    /// <summary>Sets <c>allocated[i]</c> for block <paramref name="first"/> + i, under one lock.</summary>
    public void Read(long first, Span<bool> allocated)
    {
        lock (_lock)
        {
            for (var i = 0; i < allocated.Length; i++)
            {
                allocated[i] = IsSetLocked(first + i);
            }
        }
    }

    public ValueTask EnsureAsync(long blockIndex, CancellationToken cancellationToken = default) => EnsureRangeAsync(blockIndex, 1, cancellationToken);

    /// <summary>Marks <paramref name="count"/> blocks from <paramref name="first"/> with one durable batch, so a large first write costs one metadata commit.</summary>
    public async ValueTask EnsureRangeAsync(long first, long count, CancellationToken cancellationToken = default)
    {
        if (AllSet(first, count))
        {
            return;
        }
        await _persist.WaitAsync(cancellationToken);
        try
        {
            var updated = new Dictionary<long, byte[]>();
            lock (_lock)
            {
                for (var i = first; i < first + count; i++)
                {
                    var chunkIndex = i / BlocksPerChunk;
                    if (!updated.TryGetValue(chunkIndex, out var bits))
                    {
                        bits = _chunks.TryGetValue(chunkIndex, out var c) ? (byte[])c.Clone() : new byte[BlocksPerChunk / 8];
                        updated[chunkIndex] = bits;
                    }
                    bits[(int)(i % BlocksPerChunk) / 8] |= (byte)(1 << (int)(i % 8));
                }
            }
            await _kv.ApplyAsync([.. updated.Select(u => new KvMutation($"{_prefix}{u.Key:x8}", u.Value))], cancellationToken);
            lock (_lock)
            {
                foreach (var (chunkIndex, bits) in updated)
                {
                    _chunks[chunkIndex] = bits;
                }
            }
        }
        finally
        {
            _persist.Release();
        }
    }

    private bool AllSet(long first, long count)
    {
        for (var i = first; i < first + count; i++)
        {
            if (!Contains(i))
            {
                return false;
            }
        }
        return true;
    }

    public List<long> Snapshot()
    {
        var result = new List<long>();
        lock (_lock)
        {
            foreach (var (chunk, bits) in _chunks.OrderBy(c => c.Key))
            {
                for (var i = 0; i < bits.Length * 8; i++)
                {
                    if ((bits[i / 8] & (1 << (i % 8))) != 0)
                    {
                        result.Add((chunk * BlocksPerChunk) + i);
                    }
                }
            }
        }
        return result;
    }

    public IEnumerable<KvMutation> DeleteAll()
    {
        lock (_lock)
        {
            return _chunks.Keys.Select(c => new KvMutation($"{_prefix}{c:x8}", null)).ToList();
        }
    }
}
