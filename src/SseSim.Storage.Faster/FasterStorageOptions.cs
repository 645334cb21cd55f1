namespace SseSim.Storage.Faster;

/// <summary>Sizing and timing for the FasterLog-backed tables and append logs.</summary>
public sealed record FasterLogOptions
{
    /// <summary>
    /// Log page size (2^n bytes). A log entry must fit in one page, so records larger than a quarter page are
    /// split into fragments (see GroupCommitLog); record size is therefore limited only by memory, not by this.
    /// </summary>
    public int PageSizeBits { get; init; } = 20;

    /// <summary>In-memory part of the log (2^n bytes); FASTER needs at least two pages.</summary>
    public int MemorySizeBits { get; init; } = 22;

    /// <summary>
    /// In-memory part of an append log (the audit trail), 2^n bytes. Larger than a table's: the audit log takes every
    /// KMS call's event (~0.7-1 KB), and with 4 MiB an in-process GenerateDataKey loop filled the buffer faster than
    /// FASTER's synchronous page writes drained it, so appends spun (sched_yield) waiting for a page to come free.
    /// </summary>
    public int AppendLogMemorySizeBits { get; init; } = 24;

    /// <summary>Size of each segment file (2^n bytes): the granularity at which truncation frees disk space.</summary>
    public int SegmentSizeBits { get; init; } = 24;

    /// <summary>
    /// Extra wait before each commit so more writers join it. Zero by default: writes arriving while a commit is
    /// in flight already share the next one, and a timer wait costs more than it gathers (measured on a 2-core VM:
    /// 1 ms delay gave 10 ms per sequential put and 1.7k puts/s for 8 writers; no delay 1.8 ms and 3.9k puts/s).
    /// </summary>
    public TimeSpan GroupCommitDelay { get; init; } = TimeSpan.Zero;

    /// <summary>A table compacts (snapshot + truncate) once its log spans more than this many bytes.</summary>
    public long CompactionThresholdBytes { get; init; } = 64L << 20;

    /// <summary>
    /// fsync the log directory after a commit that reached a new segment file. FASTER writes with O_SYNC but never
    /// fsyncs directories, so without this a power loss (not a process crash) could lose a new segment's directory
    /// entry. Commit metadata needs none: it is overwritten in place in a preallocated file (SlotCommitManager).
    /// </summary>
    public bool SyncDirectoriesOnCommit { get; init; } = true;

    internal void Validate()
    {
        if (PageSizeBits is < 12 or > 30)
        {
            throw new ArgumentOutOfRangeException(nameof(PageSizeBits), PageSizeBits, "Expected 12..30.");
        }
        if (MemorySizeBits < PageSizeBits + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MemorySizeBits), MemorySizeBits, "Must hold at least two pages.");
        }
        if (AppendLogMemorySizeBits < PageSizeBits + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(AppendLogMemorySizeBits), AppendLogMemorySizeBits, "Must hold at least two pages.");
        }
        if (SegmentSizeBits < PageSizeBits)
        {
            throw new ArgumentOutOfRangeException(nameof(SegmentSizeBits), SegmentSizeBits, "Must be at least one page.");
        }
        if (CompactionThresholdBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CompactionThresholdBytes));
        }
    }
}

/// <summary>Sizing for <see cref="FasterBlockStore"/>. FASTER's own defaults (16 GiB of log memory) are sized for servers.</summary>
public sealed record FasterBlockStoreOptions
{
    /// <summary>Hash index size in bytes (64 bytes per bucket of 8 entries); overflow buckets are added beyond that.</summary>
    public long IndexSizeBytes { get; init; } = 1L << 24;

    /// <summary>In-memory part of the hybrid log; older records are read back from disk.</summary>
    public long MemorySizeBytes { get; init; } = 1L << 28;

    public long PageSizeBytes { get; init; } = 1L << 22;

    public long SegmentSizeBytes { get; init; } = 1L << 28;

    /// <summary>fsync the store's directories after each checkpoint (see <see cref="FasterLogOptions.SyncDirectoriesOnCommit"/>).</summary>
    public bool SyncDirectoriesOnFlush { get; init; } = true;

    /// <summary>
    /// A compaction pass starts, after a checkpoint, once the log spans at least this many bytes and at least twice
    /// the live data the previous pass estimated (so at least half of it is estimated to be overwritten records).
    /// </summary>
    public long CompactionThresholdBytes { get; init; } = 1L << 30;

    /// <summary>
    /// Writes and deletes wait for compaction while the log spans more than max(this, 4 × the estimated live data)
    /// and the running pass finds most of what it scans overwritten. Null means 2 × <see cref="CompactionThresholdBytes"/>;
    /// a value below the threshold counts as the threshold; <see cref="long.MaxValue"/> turns the back-pressure off.
    /// </summary>
    public long? CompactionCeilingBytes { get; init; }

    /// <summary>
    /// Log bytes compacted per step. Flushes wait for a running step, so steps are kept short; disk space is freed a
    /// whole segment (<see cref="SegmentSizeBytes"/>) at a time.
    /// </summary>
    public long CompactionStepBytes { get; init; } = 64L << 20;

    /// <summary>Off only to measure what compaction saves.</summary>
    public bool Compaction { get; init; } = true;
}
