using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Numerics;
using System.Text;
using FASTER.core;
using SseSim.Core.Storage;
using BlockSession = FASTER.core.ClientSession<
    FASTER.core.SpanByte, FASTER.core.SpanByte, FASTER.core.SpanByte, FASTER.core.SpanByteAndMemory, FASTER.core.Empty,
    FASTER.core.SpanByteFunctions<FASTER.core.Empty>>;

namespace SseSim.Storage.Faster;

/// <summary>
/// Block records keyed by (volume id, block index) in a FasterKV&lt;SpanByte, SpanByte&gt; ("Option B", ebs.md 4.6),
/// for data sets that should not have to fit in memory.
/// <list type="bullet">
/// <item>Writes are visible at once but durable only after <see cref="FlushAsync"/>, which takes a fold-over
/// hybrid-log checkpoint; a crash loses exactly the writes after the last completed checkpoint.</item>
/// <item>Concurrent flushes share checkpoints; a flush with no write since the last checkpoint is free.</item>
/// <item>FASTER sessions are single-threaded, so each call borrows one from a pool.</item>
/// <item>Every overwrite after a checkpoint appends (fold-over makes earlier records read-only), so the flush loop
/// compacts the log once enough of it is overwritten records (<see cref="FasterBlockStoreOptions.CompactionThresholdBytes"/>):
/// live records are copied to the tail and the begin address moves past them, a checkpoint records the new begin
/// address, and only then are the segments before it deleted. A crash before that checkpoint recovers the previous
/// one, whose segments are all still there. Writes wait while compaction copies a slice (a few MiB) of records, and
/// for whole steps while the log is over its ceiling (<see cref="FasterBlockStoreOptions.CompactionCeilingBytes"/>).</item>
/// </list>
/// Calls must not race with <see cref="DisposeAsync"/>.
/// </summary>
public sealed class FasterBlockStore : IBlockStore
{
    /// <summary>Volume ids are short ("vol-…"); the cap keeps keys on the stack.</summary>
    public const int MaxVolumeIdBytes = 256;

    private const int MaxKeyBytes = MaxVolumeIdBytes + sizeof(long);

    /// <summary>Log bytes compacted per hold of the write gate (about a thousand 4 KiB records).</summary>
    private const long CompactionSliceBytes = 4L << 20;

    private readonly string _directory;
    private readonly string _checkpointDirectory;
    private readonly FasterBlockStoreOptions _options;
    private readonly long _pageSize;
    private readonly IDevice _device;
    private readonly DeviceLogCommitCheckpointManager _checkpoints;
    private readonly FasterKV<SpanByte, SpanByte> _store;
    private readonly SpanByteFunctions<Empty> _functions = new();
    private readonly ConcurrentBag<BlockSession> _sessions = [];
    private readonly Lock _flushLock = new();

    // Reads hold it shared; compaction takes it exclusively once after moving the begin address, so no read that
    // might still be waiting on a segment below it is in flight when that segment is deleted.
    private readonly ReaderWriterLockSlim _readGate = new(LockRecursionPolicy.NoRecursion);

    // Writes and deletes hold it shared; compaction holds it exclusively while it copies records to the tail. FASTER
    // 2.6.5's compaction copy (ConditionalCopyToTail) retries a failed hash-entry CAS with the entry it looked up first,
    // so a write to any other key of that hash entry during the copy made it retry forever: the step never ended and
    // every later flush waited on it. Reads change no hash entry and are not held back.
    private readonly ReaderWriterLockSlim _writeGate = new(LockRecursionPolicy.NoRecursion);

    // Writes and deletes go into FASTER one at a time. In FASTER 2.6.5, an upsert whose hash-entry CAS loses to a
    // concurrent write of a key of the same entry marks its new record invalid and stores the record's size in the
    // key's length field to reuse the space on retry (SaveAllocationForRetry); when the retry does not reuse it (it
    // updates the winner's record in place, or the entry moved past it), that record stays in the log as is. FASTER's
    // scan sizes every record from its key and value lengths, so compaction reading it walked into record payload and
    // died with an AccessViolationException (CompactLookup -> ScanIterator.GetNext -> SpanByte.GetLength; seen in a
    // crash dump: an invalid record with key length 4136 after a valid record of the same key). Writes to one volume
    // are serialized by the volume anyway; this also covers different volumes' keys sharing a hash entry.
    private readonly Lock _upsertLock = new();

    // Guarded by _flushLock. The loop clears _flushLoopRunning in the same hold of the lock in which it decides to
    // stop: its task completes only after the lock is released, so a FlushAsync that tested the task's IsCompleted in
    // that window neither started a loop nor was seen by the ending one, and waited forever.
    private TaskCompletionSource? _nextFlush;
    private Task? _flushLoop;
    private bool _flushLoopRunning;
    private bool _disposed;

    // Writes completed so far, and how many of them the last checkpoint covers (touched by the flush loop only).
    private long _writeCount;
    private long _checkpointedCount;

    // Compaction state, written by the flush loop only (read by writers deciding whether to wait, and by the
    // properties for tests and metrics).
    private long _passTarget;
    private long _passCopied;
    private long _passScanned;
    private double _lastLiveFraction;
    private long _liveEstimate;
    private long _compactionPasses;
    private Exception? _compactionError;

    // Writes held back by compaction wait on it (Monitor) for the flush loop's next round or step; guards the counts.
    private readonly object _progressGate = new();
    private long _loopRounds;
    private long _compactionSteps;
    private long _writeWaits;
    private int _writesWaiting;

    public FasterBlockStore(string directory, FasterBlockStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _options = options ?? new FasterBlockStoreOptions();
        // FASTER rounds the page size down to a power of two; so must the page starts computed from it.
        _pageSize = 1L << BitOperations.Log2((ulong)_options.PageSizeBytes);
        _directory = Path.GetFullPath(directory);
        _checkpointDirectory = Path.Combine(_directory, "checkpoints");
        DirectorySync.CreateDurable(_checkpointDirectory);

        _device = Devices.CreateLogDevice(Path.Combine(_directory, "hlog.log"), preallocateFile: false, deleteOnClose: false, recoverDevice: true);
        _checkpoints = new DeviceLogCommitCheckpointManager(
            new LocalStorageNamedDeviceFactory(), new DefaultCheckpointNamingScheme(_checkpointDirectory), removeOutdated: true);
        try
        {
            _store = new FasterKV<SpanByte, SpanByte>(new FasterKVSettings<SpanByte, SpanByte>
            {
                LogDevice = _device,
                IndexSize = _options.IndexSizeBytes,
                MemorySize = _options.MemorySizeBytes,
                PageSize = _options.PageSizeBytes,
                SegmentSize = _options.SegmentSizeBytes,
                CheckpointManager = _checkpoints,
                // Recover explicitly: TryRecoverLatest swallows recovery errors and would start empty.
                TryRecoverLatest = false,
            });
            if (_checkpoints.GetLogCheckpointTokens().Any())
            {
                _store.Recover();
                // A crash between a compaction's checkpoint and its truncation leaves segments the checkpoint no longer needs.
                TruncateBelowBegin();
            }
            // Until a pass has measured it, everything recovered counts as live.
            _liveEstimate = LogSpan;
            if (_options.SyncDirectoriesOnFlush)
            {
                DirectorySync.SyncTree(_directory);
            }
        }
        catch
        {
            _store?.Dispose();
            _checkpoints.Dispose();
            _device.Dispose();
            throw;
        }
    }

    /// <summary>Bytes between the log's begin and tail addresses: what the log occupies on disk, roughly.</summary>
    public long LogSpan => _store.Log.TailAddress - _store.Log.BeginAddress;

    /// <summary>Completed compaction passes since the store was opened.</summary>
    public long CompactionPasses => Interlocked.Read(ref _compactionPasses);

    /// <summary>The error that stopped compaction (it stays off until the store is reopened), if any.</summary>
    public Exception? CompactionError => Volatile.Read(ref _compactionError);

    /// <summary>Live data as the last compaction pass estimated it (the log span when none has run since opening).</summary>
    public long LiveEstimate => Interlocked.Read(ref _liveEstimate);

    /// <summary>How many times a write or delete waited for a compaction step (back-pressure) since the store was opened.</summary>
    public long WriteWaits => Interlocked.Read(ref _writeWaits);

    /// <summary>Writes and deletes waiting for a compaction step right now.</summary>
    public int WritesWaiting => Volatile.Read(ref _writesWaiting);

    public bool TryRead(string volumeId, long blockIndex, Span<byte> destination, out int length)
    {
        ThrowIfDisposed();
        _readGate.EnterReadLock();
        try
        {
            while (true)
            {
                // FASTER answers "not found" for a disk read that completes after compaction moved the begin address
                // past it, although the record was copied to the tail first; read again then.
                var begin = _store.Log.BeginAddress;
                if (TryReadOnce(volumeId, blockIndex, destination, out length))
                {
                    return true;
                }
                if (_store.Log.BeginAddress == begin)
                {
                    return false;
                }
            }
        }
        finally
        {
            _readGate.ExitReadLock();
        }
    }

    private unsafe bool TryReadOnce(string volumeId, long blockIndex, Span<byte> destination, out int length)
    {
        Span<byte> keyBytes = stackalloc byte[MaxKeyBytes];
        var keyLength = WriteKey(volumeId, blockIndex, keyBytes);
        var session = Rent();
        var ok = false;
        try
        {
            Status status;
            SpanByteAndMemory output;
            fixed (byte* k = keyBytes, d = destination)
            {
                var key = SpanByte.FromPointer(k, keyLength);
                // FASTER copies the value straight into the caller's buffer when it fits; otherwise into pooled memory.
                output = new SpanByteAndMemory(SpanByte.FromPointer(d, destination.Length));
                status = session.Read(ref key, ref output);
                if (status.IsPending)
                {
                    session.CompletePendingWithOutputs(out var completed, wait: true);
                    using (completed)
                    {
                        if (!completed.Next())
                        {
                            throw new InvalidOperationException("FASTER reported a pending read but completed none.");
                        }
                        status = completed.Current.Status;
                        output = completed.Current.Output;
                    }
                }
            }
            ok = true;
            if (!status.Found)
            {
                length = 0;
                return false;
            }
            length = output.Length;
            if (!output.IsSpanByte)
            {
                output.Memory.Dispose();
                throw new ArgumentException($"Destination holds {destination.Length} bytes; the record has {length}.", nameof(destination));
            }
            return true;
        }
        finally
        {
            Return(session, ok);
        }
    }

    /// <summary>
    /// Issues every read of the range on one session before waiting, so the blocks that must come from disk are
    /// read with overlapping I/O instead of one synchronous round trip each.
    /// </summary>
    public void ReadMany(string volumeId, long firstIndex, int count, Span<byte> records, int slotSize, Span<int> lengths)
    {
        ThrowIfDisposed();
        if (records.Length < (long)count * slotSize || lengths.Length < count)
        {
            throw new ArgumentException("The record and length buffers are smaller than the range.");
        }
        _readGate.EnterReadLock();
        try
        {
            while (true)
            {
                // As in TryRead: a miss may be a disk read that compaction overtook.
                var begin = _store.Log.BeginAddress;
                ReadManyOnce(volumeId, firstIndex, count, records, slotSize, lengths);
                if (_store.Log.BeginAddress == begin || !lengths[..count].Contains(-1))
                {
                    return;
                }
            }
        }
        finally
        {
            _readGate.ExitReadLock();
        }
    }

    private unsafe void ReadManyOnce(string volumeId, long firstIndex, int count, Span<byte> records, int slotSize, Span<int> lengths)
    {
        const int Pending = int.MinValue;
        Span<byte> keyBytes = stackalloc byte[MaxKeyBytes];
        var session = Rent();
        var ok = false;
        try
        {
            fixed (byte* k = keyBytes, d = records)
            {
                var anyPending = false;
                for (var i = 0; i < count; i++)
                {
                    var key = SpanByte.FromPointer(k, WriteKey(volumeId, firstIndex + i, keyBytes));
                    var output = new SpanByteAndMemory(SpanByte.FromPointer(d + ((long)i * slotSize), slotSize));
                    var status = session.Read(ref key, ref output);
                    if (status.IsPending)
                    {
                        anyPending = true;
                        lengths[i] = Pending;
                    }
                    else
                    {
                        lengths[i] = Length(status, output, slotSize);
                    }
                }
                if (anyPending)
                {
                    // FASTER keeps its own copy of each pending key and writes the value through the output's pointer,
                    // which stays valid: the records buffer is pinned until this block ends.
                    session.CompletePendingWithOutputs(out var completed, wait: true);
                    using (completed)
                    {
                        while (completed.Next())
                        {
                            var keySpan = completed.Current.Key.AsReadOnlySpan();
                            var index = BinaryPrimitives.ReadInt64BigEndian(keySpan[^sizeof(long)..]) - firstIndex;
                            if (index < 0 || index >= count || lengths[(int)index] != Pending)
                            {
                                throw new InvalidOperationException("FASTER completed a read this range did not issue.");
                            }
                            lengths[(int)index] = Length(completed.Current.Status, completed.Current.Output, slotSize);
                        }
                    }
                }
            }
            for (var i = 0; i < count; i++)
            {
                if (lengths[i] == Pending)
                {
                    throw new InvalidOperationException("FASTER reported a pending read but never completed it.");
                }
            }
            ok = true;
        }
        finally
        {
            Return(session, ok);
        }
    }

    private static int Length(Status status, SpanByteAndMemory output, int slotSize)
    {
        if (!status.Found)
        {
            return -1;
        }
        if (!output.IsSpanByte)
        {
            output.Memory.Dispose();
            throw new ArgumentException($"A slot holds {slotSize} bytes; the record has {output.Length}.");
        }
        return output.Length;
    }

    public void Write(string volumeId, long blockIndex, ReadOnlySpan<byte> record) => Mutate(volumeId, blockIndex, record, delete: false);

    public void Delete(string volumeId, long blockIndex) => Mutate(volumeId, blockIndex, default, delete: true);

    /// <summary>An upsert of <paramref name="record"/>, or a delete: the same waits, gate, session and serialization.</summary>
    private unsafe void Mutate(string volumeId, long blockIndex, ReadOnlySpan<byte> record, bool delete)
    {
        ThrowIfDisposed();
        Span<byte> keyBytes = stackalloc byte[MaxKeyBytes];
        var keyLength = WriteKey(volumeId, blockIndex, keyBytes);
        WaitWhileCompactionBehind();
        _writeGate.EnterReadLock();
        BlockSession? session = null;
        var ok = false;
        try
        {
            // DisposeAsync drains this gate before it closes FASTER, so a write released by it ends here.
            ThrowIfDisposed();
            session = Rent();
            fixed (byte* k = keyBytes, v = record)
            {
                var key = SpanByte.FromPointer(k, keyLength);
                var value = SpanByte.FromPointer(v, record.Length);
                lock (_upsertLock)
                {
                    var status = delete ? session.Delete(ref key) : session.Upsert(ref key, ref value);
                    if (status.IsPending)
                    {
                        session.CompletePending(wait: true);
                    }
                }
            }
            ok = true;
        }
        finally
        {
            if (session is not null)
            {
                Return(session, ok);
            }
            _writeGate.ExitReadLock();
        }
        Interlocked.Increment(ref _writeCount);
    }

    /// <summary>Returns once every write that completed before the call is durable (a fold-over checkpoint).</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        Task flushed;
        lock (_flushLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // A checkpoint already running may have started before the caller's writes, so join the next one.
            _nextFlush ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            flushed = _nextFlush.Task;
            if (!_flushLoopRunning)
            {
                _flushLoopRunning = true;
                _flushLoop = Task.Run(FlushLoopAsync);
            }
        }
        return new ValueTask(flushed.WaitAsync(cancellationToken));
    }

    /// <summary>Takes a final checkpoint (so a clean shutdown keeps every write) and closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? running;
        lock (_flushLock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            running = _flushLoop;
        }
        // Writes waiting for compaction give up (ObjectDisposedException).
        SignalProgress(stepped: false);
        try
        {
            if (running is not null)
            {
                await running.ConfigureAwait(false);
            }
            // A write that was released just before, by a step, finishes before FASTER closes; later ones see _disposed.
            _writeGate.EnterWriteLock();
            _writeGate.ExitWriteLock();
            await CheckpointIfDirtyAsync().ConfigureAwait(false);
        }
        finally
        {
            while (_sessions.TryTake(out var session))
            {
                session.Dispose();
            }
            _store.Dispose();
            _checkpoints.Dispose();
            _device.Dispose();
            _readGate.Dispose();
            _writeGate.Dispose();
        }
    }

    private async Task FlushLoopAsync()
    {
        while (true)
        {
            TaskCompletionSource? waiters;
            lock (_flushLock)
            {
                waiters = _nextFlush;
                _nextFlush = null;
                if (waiters is null && (_disposed || !CompactionDue()))
                {
                    _flushLoopRunning = false;
                    // A write waiting for compaction learns that none is coming (see WaitWhileCompactionBehind).
                    SignalProgress(stepped: false);
                    return;
                }
            }
            if (waiters is not null)
            {
                try
                {
                    await CheckpointIfDirtyAsync().ConfigureAwait(false);
                    waiters.TrySetResult();
                }
                catch (Exception ex)
                {
                    waiters.TrySetException(ex);
                }
            }
            // One short compaction step after each flush, so a steady stream of flushes cannot starve it; never
            // beside a checkpoint (records copied during one would belong to the next version, yet the moved begin
            // address could land in the checkpoint).
            var stepped = !Volatile.Read(ref _disposed) && CompactionDue();
            if (stepped)
            {
                await CompactStepAsync().ConfigureAwait(false);
            }
            SignalProgress(stepped);
        }
    }

    private void SignalProgress(bool stepped)
    {
        lock (_progressGate)
        {
            _loopRounds++;
            if (stepped)
            {
                _compactionSteps++;
            }
            Monitor.PulseAll(_progressGate);
        }
    }

    private bool CompactionDue()
    {
        if (!_options.Compaction || _compactionError is not null)
        {
            return false;
        }
        var begin = _store.Log.BeginAddress;
        if (begin >= PageStart(_store.Log.SafeReadOnlyAddress))
        {
            return false;
        }
        if (_passTarget > begin)
        {
            return true;
        }
        var span = LogSpan;
        return span >= _options.CompactionThresholdBytes && span >= 2 * _liveEstimate;
    }

    /// <summary>
    /// Back-pressure: a write stream faster than compaction (FASTER's lookup compaction copies some tens of MiB/s
    /// when the newer versions are on disk) otherwise grows the log without bound, since compaction holds the write
    /// gate only while it copies a slice. Writes wait while the log spans more than max(ceiling, 4 × live estimate)
    /// and the pass finds under half of what it scans live; a pass over mostly live records (volumes being filled)
    /// frees little, and holding writes for it only slowed them.
    /// </summary>
    private bool WritesMustWait()
    {
        if (!_options.Compaction || Volatile.Read(ref _compactionError) is not null || Volatile.Read(ref _disposed))
        {
            return false;
        }
        // Never below the pass trigger (threshold, 2 × live estimate): over the ceiling a pass is always due once a
        // checkpoint has made the log read-only, so a write that waits always has a step to wait for.
        var floor = Math.Max(_options.CompactionThresholdBytes, _options.CompactionCeilingBytes ?? 2 * _options.CompactionThresholdBytes);
        var ceiling = Math.Max(floor, 4 * Interlocked.Read(ref _liveEstimate));
        if (LogSpan <= ceiling)
        {
            return false;
        }
        // The running pass's live fraction once it has scanned a slice; before that, the previous pass's.
        var scanned = Interlocked.Read(ref _passScanned);
        var liveFraction = scanned > 0 ? (double)Interlocked.Read(ref _passCopied) / scanned : Volatile.Read(ref _lastLiveFraction);
        return liveFraction < 0.5;
    }

    /// <summary>
    /// Holds a write back while <see cref="WritesMustWait"/>, holding no session or gate: each time, it asks the flush
    /// loop for a round (as <see cref="FlushAsync"/> does: its checkpoint moves the read-only address, so compaction
    /// can run) and waits for a compaction step, then looks again. It stops waiting when a round ends without a step
    /// (compaction is not due, so waiting would not help), when compaction fails or is off, and when the store is
    /// disposed.
    /// </summary>
    private void WaitWhileCompactionBehind()
    {
        while (WritesMustWait())
        {
            long rounds, steps;
            lock (_progressGate)
            {
                rounds = _loopRounds;
                steps = _compactionSteps;
            }
            // Nobody awaits this checkpoint; a failure shows on the next flush.
            _ = FlushAsync().AsTask().ContinueWith(static t => t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            Interlocked.Increment(ref _writeWaits);
            Interlocked.Increment(ref _writesWaiting);
            try
            {
                lock (_progressGate)
                {
                    // The round running when the counts were read may have passed its step; the next one started
                    // after the request for a round above.
                    while (_compactionSteps == steps && _loopRounds < rounds + 2 && !Volatile.Read(ref _disposed))
                    {
                        Monitor.Wait(_progressGate);
                    }
                    if (_compactionSteps == steps)
                    {
                        break;
                    }
                }
            }
            finally
            {
                Interlocked.Decrement(ref _writesWaiting);
            }
        }
        ThrowIfDisposed();
    }

    /// <summary>
    /// Compacts up to <see cref="FasterBlockStoreOptions.CompactionStepBytes"/> of the log's oldest part, makes the new
    /// begin address durable with a checkpoint, then deletes the segments wholly before it.
    /// </summary>
    private async Task CompactStepAsync()
    {
        try
        {
            var begin = _store.Log.BeginAddress;
            if (_passTarget <= begin)
            {
                // A pass covers the log up to where it stood when the pass began; later records are newer anyway.
                _passTarget = PageStart(_store.Log.SafeReadOnlyAddress);
                Interlocked.Exchange(ref _passCopied, 0);
                Interlocked.Exchange(ref _passScanned, 0);
            }
            // Every address compaction stops at is a page start (see PageStart), so the step and its slices are too.
            var until = Math.Min(_passTarget, Math.Max(PageStart(begin + _options.CompactionStepBytes), PageStart(begin) + _pageSize));
            var session = Rent();
            var ok = false;
            try
            {
                // Lookup: each record in the range is copied to the tail unless a newer one for its key exists. Writes
                // wait while it copies (see _writeGate), one short slice at a time, so none waits for a whole step.
                for (var sliceEnd = begin; sliceEnd < until;)
                {
                    var sliceStart = sliceEnd;
                    sliceEnd = Math.Min(until, PageStart(sliceEnd) + Math.Max(_pageSize, CompactionSliceBytes));
                    _writeGate.EnterWriteLock();
                    try
                    {
                        var tail = _store.Log.TailAddress;
                        if (session.Compact(sliceEnd, CompactionType.Lookup) < sliceEnd)
                        {
                            // FASTER moves the begin address only to the end of the last record it scanned; up to the
                            // page start there is only the page's unused tail, so the pass can end exactly there.
                            _store.Log.ShiftBeginAddress(sliceEnd);
                        }
                        // No write runs while the gate is held, so the tail moved only by compaction's copies.
                        Interlocked.Add(ref _passCopied, _store.Log.TailAddress - tail);
                        Interlocked.Add(ref _passScanned, sliceEnd - sliceStart);
                    }
                    finally
                    {
                        _writeGate.ExitWriteLock();
                    }
                }
                ok = true;
            }
            finally
            {
                Return(session, ok);
            }
            // Reads that started before the begin address moved finish before anything below it can be deleted.
            _readGate.EnterWriteLock();
            _readGate.ExitWriteLock();
            await CheckpointIfDirtyAsync(force: true).ConfigureAwait(false);
            TruncateBelowBegin();
            if (_store.Log.BeginAddress >= _passTarget)
            {
                // Live data: what the pass copied, plus the records after it (written since it began, or in the
                // mutable region then), taken to be as live as what the pass found: all of it while volumes are being
                // filled (the log as it is, as before), about the working set under steady overwrites. The span after
                // the pass alone counted every overwrite appended during it, so under a steady stream each pass waited
                // for twice an ever larger span.
                var copied = Interlocked.Read(ref _passCopied);
                var scanned = Interlocked.Read(ref _passScanned);
                var liveFraction = scanned == 0 ? 1.0 : Math.Min(1.0, (double)copied / scanned);
                var rest = Math.Max(0, LogSpan - copied);
                Volatile.Write(ref _lastLiveFraction, liveFraction);
                Interlocked.Exchange(ref _liveEstimate, copied + (long)(liveFraction * rest));
                Interlocked.Exchange(ref _passCopied, 0);
                Interlocked.Exchange(ref _passScanned, 0);
                Interlocked.Increment(ref _compactionPasses);
            }
        }
        catch (Exception ex)
        {
            // Writes and flushes go on without compaction; the error stays visible.
            Volatile.Write(ref _compactionError, ex);
        }
    }

    /// <summary>
    /// The start of the page holding <paramref name="address"/>. Compaction only ever stops at a page start, which is
    /// always a record boundary (FASTER never splits a record across pages): FASTER 2.6.5's scan reads the last page
    /// from disk only up to the scan's end address, yet still returns the record that starts before it, so a record
    /// straddling a mid-page end was copied to the tail with the rest of its bytes zeroed (block-volume.md §4,
    /// "Page-aligned bounds").
    /// </summary>
    private long PageStart(long address) => address & ~(_pageSize - 1);

    /// <summary>Deletes the log segments wholly before the begin address (only ever after a checkpoint recorded it).</summary>
    private void TruncateBelowBegin()
    {
        _device.TruncateUntilAddress(_store.Log.BeginAddress);
        if (_options.SyncDirectoriesOnFlush)
        {
            DirectorySync.Sync(_directory);
        }
    }

    private async Task CheckpointIfDirtyAsync(bool force = false)
    {
        var writes = Interlocked.Read(ref _writeCount);
        if (writes == _checkpointedCount && !force)
        {
            return;
        }
        // Only this loop (or DisposeAsync after it) starts checkpoints, so a refusal means FASTER is still
        // finishing an earlier one; retry briefly rather than report a flush that did not happen.
        for (var attempt = 0; ; attempt++)
        {
            var (success, _) = await _store.TakeHybridLogCheckpointAsync(CheckpointType.FoldOver).ConfigureAwait(false);
            if (success)
            {
                break;
            }
            if (attempt >= 1000)
            {
                throw new InvalidOperationException($"FASTER refused to start a checkpoint in {_directory}.");
            }
            await Task.Delay(1).ConfigureAwait(false);
        }
        if (_options.SyncDirectoriesOnFlush)
        {
            // Each checkpoint writes into a new directory; a new log segment may have appeared too.
            DirectorySync.SyncTree(_checkpointDirectory);
            DirectorySync.Sync(_directory);
        }
        _checkpointedCount = writes;
    }

    private BlockSession Rent() =>
        _sessions.TryTake(out var session) ? session : _store.For(_functions).NewSession<SpanByteFunctions<Empty>>();

    private void Return(BlockSession session, bool healthy)
    {
        // A session that threw mid-operation may hold pending state: do not hand it to the next caller.
        if (healthy && !Volatile.Read(ref _disposed))
        {
            _sessions.Add(session);
        }
        else
        {
            session.Dispose();
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);

    private static int WriteKey(string volumeId, long blockIndex, Span<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(volumeId);
        if (Encoding.UTF8.GetByteCount(volumeId) > MaxVolumeIdBytes)
        {
            throw new ArgumentException($"Volume id is longer than {MaxVolumeIdBytes} UTF-8 bytes.", nameof(volumeId));
        }
        // The block index is a fixed-size suffix, so (id, index) pairs cannot collide.
        var length = Encoding.UTF8.GetBytes(volumeId, buffer);
        BinaryPrimitives.WriteInt64BigEndian(buffer[length..], blockIndex);
        return length + sizeof(long);
    }
}
