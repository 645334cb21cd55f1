using System.Buffers.Binary;
using System.Collections.Concurrent;
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
/// <item>Disk use grows with every overwrite after a checkpoint (fold-over makes earlier records read-only);
/// nothing compacts the log yet.</item>
/// </list>
/// Calls must not race with <see cref="DisposeAsync"/>.
/// </summary>
public sealed class FasterBlockStore : IBlockStore
{
    /// <summary>Volume ids are short ("vol-…"); the cap keeps keys on the stack.</summary>
    public const int MaxVolumeIdBytes = 256;

    private const int MaxKeyBytes = MaxVolumeIdBytes + sizeof(long);

    private readonly string _directory;
    private readonly string _checkpointDirectory;
    private readonly FasterBlockStoreOptions _options;
    private readonly IDevice _device;
    private readonly DeviceLogCommitCheckpointManager _checkpoints;
    private readonly FasterKV<SpanByte, SpanByte> _store;
    private readonly SpanByteFunctions<Empty> _functions = new();
    private readonly ConcurrentBag<BlockSession> _sessions = [];
    private readonly Lock _flushLock = new();

    // Guarded by _flushLock.
    private TaskCompletionSource? _nextFlush;
    private Task? _flushLoop;
    private bool _disposed;

    // Writes completed so far, and how many of them the last checkpoint covers (touched by the flush loop only).
    private long _writeCount;
    private long _checkpointedCount;

    public FasterBlockStore(string directory, FasterBlockStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _options = options ?? new FasterBlockStoreOptions();
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
            }
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

    public unsafe bool TryRead(string volumeId, long blockIndex, Span<byte> destination, out int length)
    {
        ThrowIfDisposed();
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
    public unsafe void ReadMany(string volumeId, long firstIndex, int count, Span<byte> records, int slotSize, Span<int> lengths)
    {
        ThrowIfDisposed();
        if (records.Length < (long)count * slotSize || lengths.Length < count)
        {
            throw new ArgumentException("The record and length buffers are smaller than the range.");
        }
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

    public unsafe void Write(string volumeId, long blockIndex, ReadOnlySpan<byte> record)
    {
        ThrowIfDisposed();
        Span<byte> keyBytes = stackalloc byte[MaxKeyBytes];
        var keyLength = WriteKey(volumeId, blockIndex, keyBytes);
        var session = Rent();
        var ok = false;
        try
        {
            fixed (byte* k = keyBytes, v = record)
            {
                var key = SpanByte.FromPointer(k, keyLength);
                var value = SpanByte.FromPointer(v, record.Length);
                var status = session.Upsert(ref key, ref value);
                if (status.IsPending)
                {
                    session.CompletePending(wait: true);
                }
            }
            ok = true;
        }
        finally
        {
            Return(session, ok);
        }
        Interlocked.Increment(ref _writeCount);
    }

    public unsafe void Delete(string volumeId, long blockIndex)
    {
        ThrowIfDisposed();
        Span<byte> keyBytes = stackalloc byte[MaxKeyBytes];
        var keyLength = WriteKey(volumeId, blockIndex, keyBytes);
        var session = Rent();
        var ok = false;
        try
        {
            fixed (byte* k = keyBytes)
            {
                var key = SpanByte.FromPointer(k, keyLength);
                var status = session.Delete(ref key);
                if (status.IsPending)
                {
                    session.CompletePending(wait: true);
                }
            }
            ok = true;
        }
        finally
        {
            Return(session, ok);
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
            if (_flushLoop is null || _flushLoop.IsCompleted)
            {
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
        try
        {
            if (running is not null)
            {
                await running.ConfigureAwait(false);
            }
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
                if (waiters is null)
                {
                    return;
                }
            }
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
    }

    private async Task CheckpointIfDirtyAsync()
    {
        var writes = Interlocked.Read(ref _writeCount);
        if (writes == _checkpointedCount)
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
