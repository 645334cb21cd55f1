namespace SseSim.Core.Storage;

/// <summary>
/// Fixed-size records keyed by (volume, block index): the stored form of encrypted volume blocks.
/// Writes are visible at once and durable after <see cref="FlushAsync"/> returns.
/// </summary>
public interface IBlockStore : IAsyncDisposable
{
    /// <summary>Copies the record into <paramref name="destination"/>; false when the block was never written (reads as zeros).</summary>
    bool TryRead(string volumeId, long blockIndex, Span<byte> destination, out int length);

    /// <summary>
    /// Reads blocks <paramref name="firstIndex"/> … + <paramref name="count"/> − 1 into consecutive slots of
    /// <paramref name="slotSize"/> bytes; <paramref name="lengths"/>[i] is the record's length, or −1 when the block
    /// was never written. Stores that can overlap the reads (disk I/O) override it; the default reads one by one.
    /// </summary>
    void ReadMany(string volumeId, long firstIndex, int count, Span<byte> records, int slotSize, Span<int> lengths)
    {
        for (var i = 0; i < count; i++)
        {
            lengths[i] = TryRead(volumeId, firstIndex + i, records.Slice(i * slotSize, slotSize), out var length) ? length : -1;
        }
    }

    void Write(string volumeId, long blockIndex, ReadOnlySpan<byte> record);

    void Delete(string volumeId, long blockIndex);

    /// <summary>Makes every write that completed before the call durable.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);
}
