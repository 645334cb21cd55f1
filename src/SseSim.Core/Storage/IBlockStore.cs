namespace SseSim.Core.Storage;

/// <summary>
/// Fixed-size records keyed by (volume, block index): the stored form of encrypted volume blocks.
/// Writes are visible at once and durable after <see cref="FlushAsync"/> returns.
/// </summary>
public interface IBlockStore : IAsyncDisposable
{
    /// <summary>Copies the record into <paramref name="destination"/>; false when the block was never written (reads as zeros).</summary>
    bool TryRead(string volumeId, long blockIndex, Span<byte> destination, out int length);

    void Write(string volumeId, long blockIndex, ReadOnlySpan<byte> record);

    void Delete(string volumeId, long blockIndex);

    /// <summary>Makes every write that completed before the call durable.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);
}
