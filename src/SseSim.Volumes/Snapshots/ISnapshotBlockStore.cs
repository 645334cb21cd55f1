using SseSim.Core.Storage;

namespace SseSim.Volumes.Snapshots;

/// <summary>
/// Where snapshot blocks live: records copied byte for byte from volumes (block-volume.md §5.1). The
/// issue puts them in the object store; this seam lets an S3-backed store replace the default.
/// </summary>
public interface ISnapshotBlockStore
{
    bool TryRead(string snapshotId, long blockIndex, Span<byte> destination, out int length);

    void Write(string snapshotId, long blockIndex, ReadOnlySpan<byte> record);

    void Delete(string snapshotId, long blockIndex);

    ValueTask FlushAsync(CancellationToken cancellationToken = default);
}

/// <summary>Snapshot blocks in an <see cref="IBlockStore"/>, keyed by the snapshot id in place of a volume id.</summary>
public sealed class BlockStoreSnapshotStore(IBlockStore store) : ISnapshotBlockStore
{
    public bool TryRead(string snapshotId, long blockIndex, Span<byte> destination, out int length) => store.TryRead(snapshotId, blockIndex, destination, out length);

    public void Write(string snapshotId, long blockIndex, ReadOnlySpan<byte> record) => store.Write(snapshotId, blockIndex, record);

    public void Delete(string snapshotId, long blockIndex) => store.Delete(snapshotId, blockIndex);

    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => store.FlushAsync(cancellationToken);
}
