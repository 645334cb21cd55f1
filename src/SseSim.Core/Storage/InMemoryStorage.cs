namespace SseSim.Core.Storage;

/// <summary>Volatile stores for unit tests: same contract as the durable ones, minus the disk.</summary>
public sealed class InMemoryStorageProvider : IStorageProvider
{
    private readonly Dictionary<string, InMemoryKeyValueStore> _tables = new();
    private readonly Dictionary<string, InMemoryAppendLog> _logs = new();

    public IKeyValueStore OpenTable(string name)
    {
        lock (_tables)
        {
            return _tables.TryGetValue(name, out var t) ? t : _tables[name] = new InMemoryKeyValueStore();
        }
    }

    public IAppendLog OpenLog(string name)
    {
        lock (_logs)
        {
            return _logs.TryGetValue(name, out var l) ? l : _logs[name] = new InMemoryAppendLog();
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class InMemoryKeyValueStore : IKeyValueStore
{
    private readonly SortedDictionary<string, byte[]> _map = new(StringComparer.Ordinal);

    public bool TryGet(string key, out byte[] value)
    {
        lock (_map)
        {
            return _map.TryGetValue(key, out value!);
        }
    }

    public ValueTask ApplyAsync(IReadOnlyList<KvMutation> batch, CancellationToken cancellationToken = default)
    {
        lock (_map)
        {
            foreach (var m in batch)
            {
                if (m.Value is null)
                {
                    _map.Remove(m.Key);
                }
                else
                {
                    _map[m.Key] = m.Value;
                }
            }
        }
        return ValueTask.CompletedTask;
    }

    public IReadOnlyList<KeyValuePair<string, byte[]>> Scan(string prefix, string? after = null, int limit = int.MaxValue)
    {
        lock (_map)
        {
            return OrderedScan.Run(_map, prefix, after, limit);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <remarks>
/// Records are copied into 1 MiB chunks rather than one array each: a log that only grows would otherwise promote
/// every record through the GC generations (the in-process KMS benchmark appends one audit event per call).
/// </remarks>
public sealed class InMemoryAppendLog : IAppendLog
{
    private const int ChunkSize = 1 << 20;
    private readonly List<(byte[] Chunk, int Offset, int Length)> _records = [];
    private byte[] _chunk = [];
    private int _used;

    public ValueTask AppendAsync(ReadOnlyMemory<byte> record, CancellationToken cancellationToken = default)
    {
        lock (_records)
        {
            if (_chunk.Length - _used < record.Length)
            {
                // Uninitialized: only written ranges are ever read, and zeroing is a pass over fresh pages per chunk.
                _chunk = GC.AllocateUninitializedArray<byte>(Math.Max(ChunkSize, record.Length));
                _used = 0;
            }
            record.Span.CopyTo(_chunk.AsSpan(_used));
            _records.Add((_chunk, _used, record.Length));
            _used += record.Length;
        }
        return ValueTask.CompletedTask;
    }

    public IEnumerable<byte[]> ReadAll()
    {
        lock (_records)
        {
            var all = new byte[_records.Count][];
            for (var i = 0; i < all.Length; i++)
            {
                var (chunk, offset, length) = _records[i];
                all[i] = chunk.AsSpan(offset, length).ToArray();
            }
            return all;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Prefix/after/limit scan over an ordinal-sorted map, shared by every store implementation.</summary>
public static class OrderedScan
{
    public static List<KeyValuePair<string, byte[]>> Run(SortedDictionary<string, byte[]> map, string prefix, string? after, int limit)
    {
        // SortedDictionary has no range seek; stores hold thousands of keys, not millions, so a filtered walk is fine.
        var result = new List<KeyValuePair<string, byte[]>>();
        foreach (var kv in map)
        {
            if (result.Count >= limit)
            {
                break;
            }
            if (!kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                if (string.CompareOrdinal(kv.Key, prefix) > 0)
                {
                    break;
                }
                continue;
            }
            if (after is not null && string.CompareOrdinal(kv.Key, after) <= 0)
            {
                continue;
            }
            result.Add(kv);
        }
        return result;
    }
}
