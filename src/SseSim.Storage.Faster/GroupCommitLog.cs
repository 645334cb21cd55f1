using System.Buffers;
using System.Threading.Channels;
using FASTER.core;
using SseSim.Core.Storage;

namespace SseSim.Storage.Faster;

/// <summary>Where an appended record landed: its first log entry, and the address its commit must reach.</summary>
internal readonly record struct AppendResult(long FirstAddress, long EndAddress);

/// <summary>A committed record and the address of its first log entry.</summary>
internal readonly record struct LogRecord(long Address, byte[] Payload);

/// <summary>
/// A FasterLog with group commit, shared by <see cref="FasterKeyValueStore"/> and <see cref="FasterAppendLog"/>.
/// Writers append (memory only) and then wait until the committer has made their address durable; one
/// background committer commits whatever is pending, so concurrent writers share a commit.
/// <para>
/// A FasterLog entry must fit in one page, so each record is written as one or more fragment entries of the
/// form [flags][payload]. Fragments of one record are contiguous (appends are serialized), and replay only
/// yields a record once its last fragment is committed: a record torn by a crash is dropped whole.
/// </para>
/// </summary>
internal sealed class GroupCommitLog : IAsyncDisposable
{
    private const byte FirstFragment = 1;
    private const byte LastFragment = 2;

    private readonly string _directory;
    private readonly FasterLogOptions _options;
    private readonly SlotCommitManager _commits;
    private readonly IDevice _device;
    private readonly FasterLog _log;
    private readonly int _maxFragmentPayload;
    private readonly Func<ValueTask>? _afterCommit;
    private readonly Lock _appendLock = new();
    private readonly Lock _durableLock = new();
    private readonly Channel<bool> _pending = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Task _committer;

    // Guarded by _durableLock. Writers wait on our own watermark rather than FasterLog's commit task so that
    // an acknowledgement also covers the directory fsync done when a commit reaches a new segment.
    private long _durableUntil;
    private TaskCompletionSource _durableAdvanced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _fault;
    private bool _closed;

    private bool _disposed;
    private long _syncedSegment = -1;

    /// <param name="afterCommit">Runs on the committer after each group commit (table compaction); may append and commit.</param>
    public GroupCommitLog(string directory, FasterLogOptions options, Func<ValueTask>? afterCommit = null)
    {
        options.Validate();
        _directory = Path.GetFullPath(directory);
        _options = options;
        _afterCommit = afterCommit;
        _maxFragmentPayload = (1 << options.PageSizeBits) / 4;

        DirectorySync.CreateDurable(_directory);
        _commits = new SlotCommitManager(_directory);
        _device = PrefilledLogDevice.Supported
            ? new PrefilledLogDevice(Path.Combine(_directory, "log"))
            : Devices.CreateLogDevice(Path.Combine(_directory, "log"), preallocateFile: false, deleteOnClose: false, recoverDevice: true);
        try
        {
            _log = new FasterLog(new FasterLogSettings
            {
                LogDevice = _device,
                LogCommitManager = _commits,
                PageSizeBits = options.PageSizeBits,
                MemorySizeBits = options.MemorySizeBits,
                SegmentSizeBits = options.SegmentSizeBits,
                LogChecksum = LogChecksumType.PerEntry,
                // Recover explicitly below: with TryRecoverLatest the constructor swallows recovery errors and
                // would silently start an empty log over the old one.
                TryRecoverLatest = false,
            });
            _log.Recover();
            // FASTER also skips unreadable commits without complaint. We only ever commit a non-empty log, so
            // commits next to an empty recovered log mean they could not be used.
            if (_log.CommittedUntilAddress <= _log.BeginAddress && _commits.HasCommits)
            {
                throw new InvalidDataException($"FasterLog in {_directory} has commits but recovered nothing; refusing to start empty over it.");
            }
        }
        catch
        {
            _log?.Dispose();
            _device.Dispose();
            _commits.Dispose();
            throw;
        }
        if (options.SyncDirectoriesOnCommit)
        {
            // Files FASTER created while opening (the first segment) get durable names before any commit relies on them.
            DirectorySync.SyncTree(_directory);
        }
        _durableUntil = _log.CommittedUntilAddress;
        _committer = Task.Run(CommitLoopAsync);
    }

    public long BeginAddress => _log.BeginAddress;

    public long TailAddress => _log.TailAddress;

    /// <summary>Appends one record to the log in memory. Callers that need ordering with other state hold their own lock around this.</summary>
    public AppendResult Append(ReadOnlySpan<byte> record)
    {
        lock (_appendLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var fault = Volatile.Read(ref _fault);
            if (fault is not null)
            {
                throw new InvalidOperationException($"The log in {_directory} failed and accepts no more writes.", fault);
            }

            var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(record.Length, _maxFragmentPayload) + 1);
            try
            {
                long first = -1;
                long last;
                var offset = 0;
                do
                {
                    var size = Math.Min(_maxFragmentPayload, record.Length - offset);
                    buffer[0] = (byte)((offset == 0 ? FirstFragment : 0) | (offset + size == record.Length ? LastFragment : 0));
                    record.Slice(offset, size).CopyTo(buffer.AsSpan(1));
                    // Enqueue only spins when every in-memory page still awaits its flush; that is bounded by disk speed.
                    last = _log.Enqueue(new ReadOnlySpan<byte>(buffer, 0, size + 1));
                    if (first < 0)
                    {
                        first = last;
                    }
                    offset += size;
                }
                while (offset < record.Length);
                return new AppendResult(first, last + 1);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Returns once everything before <paramref name="endAddress"/> is committed (and its directories synced).</summary>
    public async ValueTask WaitDurableAsync(long endAddress, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task advanced;
            lock (_durableLock)
            {
                if (_durableUntil >= endAddress)
                {
                    return;
                }
                if (_fault is not null)
                {
                    throw new InvalidOperationException($"The log in {_directory} failed before the write was committed.", _fault);
                }
                ObjectDisposedException.ThrowIf(_closed, this);
                advanced = _durableAdvanced.Task;
            }
            _pending.Writer.TryWrite(true);
            await advanced.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Marks everything before <paramref name="address"/> for deletion; takes effect at the next commit.</summary>
    public void TruncateUntil(long address) => _log.TruncateUntil(address);

    /// <summary>Commits now (from the committer's <c>afterCommit</c> hook, which must not wait for the committer).</summary>
    public ValueTask CommitNowAsync() => CommitAndPublishAsync();

    /// <summary>Every committed record from the log's begin address, oldest first, reassembled from its fragments.</summary>
    public IEnumerable<LogRecord> ReadCommitted()
    {
        using var iterator = _log.Scan(_log.BeginAddress, _log.CommittedUntilAddress);
        List<byte[]>? parts = null;
        long recordAddress = 0;
        while (iterator.GetNext(out byte[] entry, out var length, out var address))
        {
            if (length < 1)
            {
                throw new InvalidDataException($"Empty log entry at {address} in {_directory}.");
            }
            var flags = entry[0];
            var payload = entry.AsSpan(1, length - 1).ToArray();
            if ((flags & FirstFragment) != 0)
            {
                // A pending record without its last fragment was torn by a crash and never acknowledged: drop it.
                parts = [];
                recordAddress = address;
            }
            else if (parts is null)
            {
                throw new InvalidDataException($"Log entry at {address} in {_directory} continues a record that never started.");
            }
            parts.Add(payload);
            if ((flags & LastFragment) != 0)
            {
                yield return new LogRecord(recordAddress, parts.Count == 1 ? parts[0] : Concat(parts));
                parts = null;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_appendLock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        _pending.Writer.TryComplete();
        await _committer.ConfigureAwait(false);
        try
        {
            if (_fault is null)
            {
                // Covers appends that raced with shutdown after the committer's last round.
                await CommitAndPublishAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            TaskCompletionSource wake;
            lock (_durableLock)
            {
                _closed = true;
                wake = _durableAdvanced;
            }
            wake.TrySetResult();
            _log.Dispose();
            _device.Dispose();
            _commits.Dispose();
        }
    }

    private async Task CommitLoopAsync()
    {
        while (await _pending.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            _pending.Reader.TryRead(out _);
            try
            {
                if (_options.GroupCommitDelay > TimeSpan.Zero)
                {
                    await Task.Delay(_options.GroupCommitDelay).ConfigureAwait(false);
                }
                await CommitAndPublishAsync().ConfigureAwait(false);
                if (_afterCommit is not null)
                {
                    await _afterCommit().ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                // Fail-stop: waiters and later writers see the fault instead of hanging or silently losing data.
                TaskCompletionSource wake;
                lock (_durableLock)
                {
                    _fault ??= ex;
                    wake = _durableAdvanced;
                    _durableAdvanced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                wake.TrySetResult();
                return;
            }
        }
    }

    private async ValueTask CommitAndPublishAsync()
    {
        while (_log.TailAddress > _log.CommittedUntilAddress || _log.BeginAddress > _log.CommittedBeginAddress)
        {
            var before = (_log.CommittedUntilAddress, _log.CommittedBeginAddress);
            await _log.CommitAsync().ConfigureAwait(false);
            if ((_log.CommittedUntilAddress, _log.CommittedBeginAddress) == before)
            {
                break; // nothing FASTER would commit; do not spin
            }
        }
        var committed = _log.CommittedUntilAddress;
        SyncDirectories(committed);

        TaskCompletionSource wake;
        lock (_durableLock)
        {
            if (committed <= _durableUntil)
            {
                return;
            }
            _durableUntil = committed;
            wake = _durableAdvanced;
            _durableAdvanced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        wake.TrySetResult();
    }

    private void SyncDirectories(long committedUntil)
    {
        if (!_options.SyncDirectoriesOnCommit)
        {
            return;
        }
        // Commits overwrite the slot file in place (SlotCommitManager); only a new segment file adds a directory entry.
        var segment = committedUntil >> _options.SegmentSizeBits;
        if (segment != _syncedSegment)
        {
            DirectorySync.Sync(_directory);
            _syncedSegment = segment;
        }
    }

    private static byte[] Concat(List<byte[]> parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }
        return result;
    }
}
