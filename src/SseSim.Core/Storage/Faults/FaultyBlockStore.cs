namespace SseSim.Core.Storage.Faults;

/// <summary>
/// Volume blocks on failing storage. A torn write keeps the first half of the new record over the rest of the old one
/// (or zeros), as a disk that lost power mid-sector would, and fails; the block's authentication must then refuse it.
/// </summary>
public sealed class FaultyBlockStore(IBlockStore inner, StorageFaults faults) : IBlockStore
{
    private const string Name = StorageFaults.Blocks;

    public bool TryRead(string volumeId, long blockIndex, Span<byte> destination, out int length)
    {
        faults.BeforeRead(Name);
        return inner.TryRead(volumeId, blockIndex, destination, out length);
    }

    public void ReadMany(string volumeId, long firstIndex, int count, Span<byte> records, int slotSize, Span<int> lengths)
    {
        faults.BeforeRead(Name);
        inner.ReadMany(volumeId, firstIndex, count, records, slotSize, lengths);
    }

    public void Write(string volumeId, long blockIndex, ReadOnlySpan<byte> record)
    {
        if (faults.Tears(Name))
        {
            var torn = new byte[record.Length];
            if (inner.TryRead(volumeId, blockIndex, torn, out var oldLength) && oldLength < torn.Length)
            {
                torn.AsSpan(oldLength).Clear();
            }
            record[..(record.Length / 2)].CopyTo(torn);
            inner.Write(volumeId, blockIndex, torn);
            throw faults.Torn(Name);
        }
        faults.BeforeWrite(Name);
        inner.Write(volumeId, blockIndex, record);
    }

    public void Delete(string volumeId, long blockIndex)
    {
        faults.BeforeWrite(Name);
        inner.Delete(volumeId, blockIndex);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        faults.BeforeWrite(Name);
        return inner.FlushAsync(cancellationToken);
    }

    // The host owns and disposes the inner store.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
