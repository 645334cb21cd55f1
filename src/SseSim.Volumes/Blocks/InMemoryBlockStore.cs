using System.Collections.Concurrent;
using SseSim.Core.Storage;

namespace SseSim.Volumes.Blocks;

/// <summary>Volatile IBlockStore (tests, <c>--volatile</c>): same contract, flush is a no-op.</summary>
public sealed class InMemoryBlockStore : IBlockStore
{
    private readonly ConcurrentDictionary<(string, long), byte[]> _records = new();

    public int FlushCount { get; private set; }

    public bool TryRead(string volumeId, long blockIndex, Span<byte> destination, out int length)
    {
        if (_records.TryGetValue((volumeId, blockIndex), out var r))
        {
            r.CopyTo(destination);
            length = r.Length;
            return true;
        }
        length = 0;
        return false;
    }

    // Records are replaced whole, never mutated, so a concurrent reader sees the old or the new one.
    public void Write(string volumeId, long blockIndex, ReadOnlySpan<byte> record) => _records[(volumeId, blockIndex)] = record.ToArray();

    public void Delete(string volumeId, long blockIndex) => _records.TryRemove((volumeId, blockIndex), out _);

    public ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        FlushCount++;
        return ValueTask.CompletedTask;
    }

    /// <summary>Every stored record, for at-rest tests.</summary>
    public IEnumerable<KeyValuePair<(string VolumeId, long BlockIndex), byte[]>> Dump() => _records.ToArray();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
