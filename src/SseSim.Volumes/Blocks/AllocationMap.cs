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
            return _chunks.TryGetValue(blockIndex / BlocksPerChunk, out var c) && (c[(int)(blockIndex % BlocksPerChunk) / 8] & (1 << (int)(blockIndex % 8))) != 0;
        }
    }

    public async ValueTask EnsureAsync(long blockIndex, CancellationToken cancellationToken = default)
    {
        if (Contains(blockIndex))
        {
            return;
        }
        await _persist.WaitAsync(cancellationToken);
        try
        {
            var chunkIndex = blockIndex / BlocksPerChunk;
            byte[] updated;
            lock (_lock)
            {
                updated = _chunks.TryGetValue(chunkIndex, out var c) ? (byte[])c.Clone() : new byte[BlocksPerChunk / 8];
            }
            updated[(int)(blockIndex % BlocksPerChunk) / 8] |= (byte)(1 << (int)(blockIndex % 8));
            await _kv.PutAsync($"{_prefix}{chunkIndex:x8}", updated, cancellationToken);
            lock (_lock)
            {
                _chunks[chunkIndex] = updated;
            }
        }
        finally
        {
            _persist.Release();
        }
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
