using System.Buffers.Binary;
using System.Text;
using SseSim.Core.Storage;

namespace SseSim.Storage.Faster;

/// <summary>
/// A durable ordered table: a FasterLog write-ahead log plus an in-memory ordered map ("Option A", ebs.md 4.6).
/// <list type="bullet">
/// <item>Each <see cref="ApplyAsync"/> batch is one log record (atomic across a crash); it is applied to memory
/// when appended and acknowledged once committed, so readers may briefly see a write that is not yet durable.</item>
/// <item>On open the log is replayed into memory. Once the log spans more than the compaction threshold, a snapshot
/// of the live map is appended and everything before it is truncated.</item>
/// <item>Keys are any string encodable as UTF-8 (lone surrogates are rejected); values have no size limit other
/// than memory, since records larger than a log page are fragmented. Returned arrays are shared: do not modify them.</item>
/// </list>
/// </summary>
public sealed class FasterKeyValueStore : IKeyValueStore
{
    private const byte BatchRecord = 1;
    private const byte SnapshotRecord = 2;
    private const byte DeleteOp = 0;
    private const byte PutOp = 1;

    /// <summary>Snapshot records are cut at about this size so one record never needs much extra memory.</summary>
    private const int SnapshotRecordBytes = 1 << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly GroupCommitLog _log;
    private readonly long _compactionThreshold;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, byte[]> _values = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _keys = new(StringComparer.Ordinal);
    private long _liveBytesAtSnapshot;
    private bool _disposed;

    public FasterKeyValueStore(string directory, FasterLogOptions? options = null)
    {
        options ??= new FasterLogOptions();
        _compactionThreshold = options.CompactionThresholdBytes;
        _log = new GroupCommitLog(directory, options, CompactIfNeededAsync);
        try
        {
            foreach (var record in _log.ReadCommitted())
            {
                Replay(record.Payload);
            }
        }
        catch
        {
            _log.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
        // Treat the recovered state as the last snapshot so a reopen does not immediately rewrite it.
        _liveBytesAtSnapshot = _values.Sum(kv => (long)kv.Key.Length + kv.Value.Length);
    }

    /// <summary>Number of live keys.</summary>
    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _values.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    public bool TryGet(string key, out byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _values.TryGetValue(key, out value!);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public async ValueTask ApplyAsync(IReadOnlyList<KvMutation> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        if (batch.Count == 0)
        {
            return;
        }
        // Encode (and validate) before touching any state, so a bad key fails the whole batch cleanly.
        var record = Encode(BatchRecord, batch);
        var values = new byte[]?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            values[i] = batch[i].Value?.AsSpan().ToArray();
        }

        AppendResult appended;
        _lock.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Append and apply under one lock so memory and the log agree on the order of writes.
            appended = _log.Append(record);
            for (var i = 0; i < batch.Count; i++)
            {
                ApplyOne(batch[i].Key, values[i]);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
        // Cancelling only stops the wait: the batch is already in the log and may still become durable.
        await _log.WaitDurableAsync(appended.EndAddress, cancellationToken).ConfigureAwait(false);
    }

    public IReadOnlyList<KeyValuePair<string, byte[]>> Scan(string prefix, string? after = null, int limit = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var result = new List<KeyValuePair<string, byte[]>>();
        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (limit <= 0 || _keys.Count == 0)
            {
                return result;
            }
            var lower = after is not null && string.CompareOrdinal(after, prefix) > 0 ? after : prefix;
            var max = _keys.Max!;
            if (string.CompareOrdinal(lower, max) > 0)
            {
                return result;
            }
            // The view seeks to the lower bound in O(log n). Keys sharing a prefix are contiguous in ordinal
            // order, so the first key past the prefix ends the scan.
            foreach (var key in _keys.GetViewBetween(lower, max))
            {
                if (!key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    break;
                }
                if (after is not null && string.CompareOrdinal(key, after) <= 0)
                {
                    continue;
                }
                result.Add(new KeyValuePair<string, byte[]>(key, _values[key]));
                if (result.Count >= limit)
                {
                    break;
                }
            }
            return result;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _lock.EnterWriteLock();
        try
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
        await _log.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Runs on the committer after each group commit.</summary>
    private async ValueTask CompactIfNeededAsync()
    {
        // The 2x rule keeps a table whose live data exceeds the threshold from compacting after every commit.
        var span = _log.TailAddress - _log.BeginAddress;
        if (span <= Math.Max(_compactionThreshold, 2 * _liveBytesAtSnapshot))
        {
            return;
        }

        long snapshotStart;
        long liveBytes = 0;
        // Upgradeable read: blocks writers (so the snapshot sits at one point of the log) but not readers.
        _lock.EnterUpgradeableReadLock();
        try
        {
            if (_disposed)
            {
                return;
            }
            snapshotStart = -1;
            var chunk = new List<KvMutation>();
            var chunkBytes = 0L;
            foreach (var key in _keys)
            {
                var value = _values[key];
                chunk.Add(new KvMutation(key, value));
                chunkBytes += key.Length + value.Length;
                liveBytes += key.Length + value.Length;
                if (chunkBytes >= SnapshotRecordBytes)
                {
                    snapshotStart = AppendSnapshot(chunk, snapshotStart);
                    chunk.Clear();
                    chunkBytes = 0;
                }
            }
            // Always at least one record, so the truncation point is a real record even for an empty table.
            if (chunk.Count > 0 || snapshotStart < 0)
            {
                snapshotStart = AppendSnapshot(chunk, snapshotStart);
            }
        }
        finally
        {
            _lock.ExitUpgradeableReadLock();
        }

        // Snapshot records are plain puts of the current values, so a crash before the truncation commits
        // replays the old log followed by an idempotent copy of the same state.
        await _log.CommitNowAsync().ConfigureAwait(false);
        _log.TruncateUntil(snapshotStart);
        await _log.CommitNowAsync().ConfigureAwait(false);
        _liveBytesAtSnapshot = liveBytes;
    }

    private long AppendSnapshot(List<KvMutation> chunk, long snapshotStart)
    {
        var appended = _log.Append(Encode(SnapshotRecord, chunk));
        return snapshotStart < 0 ? appended.FirstAddress : snapshotStart;
    }

    private void ApplyOne(string key, byte[]? value)
    {
        if (value is null)
        {
            if (_values.Remove(key))
            {
                _keys.Remove(key);
            }
        }
        else
        {
            if (!_values.TryAdd(key, value))
            {
                _values[key] = value;
            }
            else
            {
                _keys.Add(key);
            }
        }
    }

    // Record: [kind:1][count:4] then per mutation [op:1][keyLen:4][key utf-8][valueLen:4][value] (value only for puts).
    private static byte[] Encode(byte kind, IReadOnlyList<KvMutation> batch)
    {
        var size = 5L;
        var keyLengths = new int[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var m = batch[i];
            if (m.Key is null)
            {
                throw new ArgumentException("A mutation has a null key.", nameof(batch));
            }
            try
            {
                keyLengths[i] = StrictUtf8.GetByteCount(m.Key);
            }
            catch (EncoderFallbackException e)
            {
                throw new ArgumentException($"Key is not valid UTF-16 (lone surrogate): {m.Key}", nameof(batch), e);
            }
            size += 1 + 4 + keyLengths[i] + (m.Value is null ? 0 : 4 + m.Value.Length);
        }
        if (size > Array.MaxLength)
        {
            throw new ArgumentException("Batch is too large to encode as one record.", nameof(batch));
        }

        var buffer = new byte[size];
        buffer[0] = kind;
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(1), batch.Count);
        var pos = 5;
        for (var i = 0; i < batch.Count; i++)
        {
            var m = batch[i];
            buffer[pos++] = m.Value is null ? DeleteOp : PutOp;
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(pos), keyLengths[i]);
            pos += 4;
            pos += StrictUtf8.GetBytes(m.Key, buffer.AsSpan(pos));
            if (m.Value is not null)
            {
                BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(pos), m.Value.Length);
                pos += 4;
                m.Value.CopyTo(buffer, pos);
                pos += m.Value.Length;
            }
        }
        return buffer;
    }

    private void Replay(byte[] record)
    {
        var span = record.AsSpan();
        if (span.Length < 5 || (span[0] != BatchRecord && span[0] != SnapshotRecord))
        {
            throw new InvalidDataException("Unknown table log record.");
        }
        var count = BinaryPrimitives.ReadInt32LittleEndian(span[1..]);
        var pos = 5;
        for (var i = 0; i < count; i++)
        {
            var op = span[pos++];
            var key = StrictUtf8.GetString(ReadChunk(span, ref pos));
            switch (op)
            {
                case DeleteOp:
                    ApplyOne(key, null);
                    break;
                case PutOp:
                    ApplyOne(key, ReadChunk(span, ref pos).ToArray());
                    break;
                default:
                    throw new InvalidDataException($"Unknown table log operation {op}.");
            }
        }
        if (pos != span.Length)
        {
            throw new InvalidDataException("Trailing bytes in table log record.");
        }
    }

    private static ReadOnlySpan<byte> ReadChunk(ReadOnlySpan<byte> span, ref int pos)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(span[pos..]);
        pos += 4;
        if (length < 0 || length > span.Length - pos)
        {
            throw new InvalidDataException("Truncated table log record.");
        }
        var chunk = span.Slice(pos, length);
        pos += length;
        return chunk;
    }
}
