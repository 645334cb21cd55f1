using SseSim.Volumes.Snapshots;

namespace SseSim.Volumes.Blocks;

/// <summary>
/// In-memory state of one volume, attached or not: the block lock, allocation map, base snapshot
/// manifest and the copy-on-write registrations of pending snapshots (block-volume.md §5.3).
/// </summary>
internal sealed class VolumeRuntime(string volumeId, AllocationMap map, Manifest? baseManifest)
{
    public string VolumeId => volumeId;

    /// <summary>Serialises block reads, writes and snapshot copies of this volume.</summary>
    public Lock Gate { get; } = new();

    public AllocationMap Map => map;

    public Manifest? Base { get; set; } = baseManifest;

    public List<PendingCopy> Pending { get; } = [];

    public VolumeDevice? Device { get; set; }

    /// <summary>Before block <paramref name="blockIndex"/> changes, hands its current record to every pending snapshot that still needs it.</summary>
    public void CopyOnWriteLocked(long blockIndex, Func<long, byte[]?> readOwnRecord)
    {
        foreach (var p in Pending)
        {
            if (p.Remaining.Remove(blockIndex))
            {
                p.Process(blockIndex, readOwnRecord(blockIndex));
            }
        }
    }
}

/// <summary>A snapshot still copying: the captured blocks not yet copied, and what to do with each record.</summary>
internal sealed class PendingCopy(HashSet<long> remaining, Action<long, byte[]?> process)
{
    public HashSet<long> Remaining => remaining;

    public Action<long, byte[]?> Process => process;

    /// <summary>Completes once every captured block is copied (before the snapshot's metadata is committed).</summary>
    public TaskCompletionSource Copied { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
