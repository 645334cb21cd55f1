using System.Buffers;

namespace SseSim.Kms.Audit;

/// <summary>
/// What LookupEvents filters on, for one event. Immutable and shared: consecutive calls by the same caller on the same
/// key with the same outcome get one instance, so a retained event holds no object of its own.
/// </summary>
internal sealed class EventInfo(string eventName, bool readOnly, string? username, string? accessKeyId, string eventSource,
    string[] resourceArns, string? errorCode, string? recipientAccountId, bool dataEvent = false)
{
    /// <summary>CloudTrail managementEvent false: not served by LookupEvents (the event history).</summary>
    public bool DataEvent { get; } = dataEvent;
    public string EventName { get; } = eventName;
    public bool ReadOnly { get; } = readOnly;
    public string? Username { get; } = username;
    public string? AccessKeyId { get; } = accessKeyId;
    public string EventSource { get; } = eventSource;
    public string[] ResourceArns { get; } = resourceArns;
    public string? ErrorCode { get; } = errorCode;
    public string? RecipientAccountId { get; } = recipientAccountId;

    public bool Is(string eventName, string? username, string? accessKeyId, string[] resourceArns, string? errorCode, string? recipientAccountId)
    {
        if (!string.Equals(EventName, eventName, StringComparison.Ordinal) || !string.Equals(Username, username, StringComparison.Ordinal)
            || !string.Equals(AccessKeyId, accessKeyId, StringComparison.Ordinal) || !string.Equals(ErrorCode, errorCode, StringComparison.Ordinal)
            || !string.Equals(RecipientAccountId, recipientAccountId, StringComparison.Ordinal) || ResourceArns.Length != resourceArns.Length)
        {
            return false;
        }
        for (var i = 0; i < resourceArns.Length; i++)
        {
            if (!string.Equals(ResourceArns[i], resourceArns[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>One retained event: its filter fields, its id and where its CloudTrail JSON is.</summary>
internal readonly record struct RetainedEvent(DateTimeOffset Time, Guid Id, string? RawId, EventInfo Info, RetainedEvents.Chunk Chunk, int Offset, int Length)
{
    /// <summary>
    /// Event ids are lowercase UUIDs and are kept as 16 bytes; anything else (an id in a foreign log record) is kept
    /// as it is.
    /// </summary>
    public string EventId => RawId ?? Id.ToString();

    public ReadOnlySpan<byte> Json => Chunk.Bytes.AsSpan(Offset, Length);

    public static (Guid Id, string? RawId) SplitId(string eventId) =>
        eventId.Length == 36 && !eventId.AsSpan().ContainsAnyInRange('A', 'Z') && Guid.TryParseExact(eventId, "D", out var id)
            ? (id, null)
            : (Guid.Empty, eventId);
}

/// <summary>
/// The newest events LookupEvents and the dashboard serve, in memory and bounded, without an object per event: a ring
/// of value entries over event JSON packed into 1 MiB chunks that are reused once every event in them has left the
/// window. Filling fresh memory (page faults) and promoting one object per event through the GC generations cost more
/// than building the event. The writer thread writes JSON straight into the current chunk (this is its
/// <see cref="IBufferWriter{T}"/>); readers copy an event's JSON out under the lock, so a reused chunk is never read.
/// </summary>
internal sealed class RetainedEvents : IBufferWriter<byte>
{
    private const int ChunkSize = 1 << 20;

    /// <summary>
    /// Event JSON. Arena chunks go back to the free list once no retained event points into them and the arena has
    /// moved on (<see cref="Refs"/> counts both); a chunk of its own (an event read from the log at startup, an
    /// oversized event) is left to the GC.
    /// </summary>
    internal sealed class Chunk(byte[] bytes, bool recyclable)
    {
        public byte[] Bytes { get; } = bytes;
        public bool Recyclable { get; } = recyclable;
        public int Refs;
    }

    private readonly int _capacity;
    private readonly Lock _lock = new();
    // Oldest at _head; grows by doubling up to _capacity, then wraps.
    private RetainedEvent[] _ring;
    private int _head;
    private int _count;
    private long _firstSeq;
    private readonly Stack<Chunk> _free = new();

    // The arena: writer thread only.
    private Chunk? _current;
    private int _start;
    private int _used;

    public RetainedEvents(int capacity)
    {
        _capacity = capacity;
        _ring = new RetainedEvent[Math.Min(capacity, 1024)];
    }

    public void Advance(int count) => _used += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _current!.Bytes.AsMemory(_used);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _current!.Bytes.AsSpan(_used);
    }

    private void Reserve(int sizeHint)
    {
        var need = Math.Max(sizeHint, 256);
        if (_current is not null && _current.Bytes.Length - _used >= need)
        {
            return;
        }
        // An event never straddles two chunks: the part begun so far moves to the next one.
        var begun = _used - _start;
        Chunk next;
        if (begun + need <= ChunkSize)
        {
            lock (_lock)
            {
                _free.TryPop(out next!);
            }
            // Uninitialized: every byte handed out is written before it is read.
            next ??= new Chunk(GC.AllocateUninitializedArray<byte>(ChunkSize), recyclable: true);
        }
        else
        {
            next = new Chunk(GC.AllocateUninitializedArray<byte>(2 * (begun + need)), recyclable: false);
        }
        // The arena's own reference, dropped when it moves on.
        next.Refs = 1;
        if (_current is { } previous)
        {
            previous.Bytes.AsSpan(_start, begun).CopyTo(next.Bytes);
            Release(previous);
        }
        _current = next;
        _start = 0;
        _used = begun;
    }

    /// <summary>Ends the event written since the last call; it holds its chunk until it leaves the window.</summary>
    public (Chunk Chunk, int Offset, int Length) Commit()
    {
        var chunk = _current!;
        Interlocked.Increment(ref chunk.Refs);
        var stored = (chunk, _start, _used - _start);
        _start = _used;
        return stored;
    }

    /// <summary>Drops what was written since the last <see cref="Commit"/> (an event whose build failed).</summary>
    public void Rollback() => _used = _start;

    /// <summary>Copies a whole event (built elsewhere) into the arena.</summary>
    public (Chunk Chunk, int Offset, int Length) Store(ReadOnlySpan<byte> json)
    {
        json.CopyTo(GetSpan(json.Length));
        Advance(json.Length);
        return Commit();
    }

    private void Release(Chunk chunk)
    {
        if (Interlocked.Decrement(ref chunk.Refs) == 0 && chunk.Recyclable)
        {
            lock (_lock)
            {
                _free.Push(chunk);
            }
        }
    }

    /// <summary>A chunk of its own for an event that is not in the arena.</summary>
    public static Chunk Own(byte[] json) => new(json, recyclable: false) { Refs = 1 };

    public void Add(in RetainedEvent e) => AddRange(new ReadOnlySpan<RetainedEvent>(in e));

    /// <summary>Appends the events, newest last, dropping the oldest beyond the capacity.</summary>
    public void AddRange(ReadOnlySpan<RetainedEvent> events)
    {
        lock (_lock)
        {
            foreach (ref readonly var e in events)
            {
                if (_count == _capacity)
                {
                    ref var oldest = ref _ring[_head];
                    var chunk = oldest.Chunk;
                    oldest = default;
                    _head = (_head + 1) % _ring.Length;
                    _count--;
                    _firstSeq++;
                    // Under the lock: a reader that saw this event as retained has finished copying its JSON.
                    if (Interlocked.Decrement(ref chunk.Refs) == 0 && chunk.Recyclable)
                    {
                        _free.Push(chunk);
                    }
                }
                else if (_count == _ring.Length)
                {
                    var grown = new RetainedEvent[Math.Min(_capacity, _ring.Length * 2)];
                    for (var i = 0; i < _count; i++)
                    {
                        grown[i] = _ring[(_head + i) % _ring.Length];
                    }
                    _ring = grown;
                    _head = 0;
                }
                _ring[(_head + _count) % _ring.Length] = e;
                _count++;
            }
        }
    }

    /// <summary>The time of the oldest retained event once older ones have been dropped; null while nothing was.</summary>
    public DateTimeOffset? WindowStart()
    {
        lock (_lock)
        {
            return _firstSeq > 0 && _count > 0 ? _ring[_head].Time : null;
        }
    }

    /// <summary>Events retained now, newest first; each copies its JSON when first read, if still retained then.</summary>
    public AuditEvent[] Snapshot()
    {
        lock (_lock)
        {
            var result = new AuditEvent[_count];
            for (var i = 0; i < _count; i++)
            {
                var index = _count - 1 - i;
                result[i] = new AuditEvent(_ring[(_head + index) % _ring.Length], this, _firstSeq + index);
            }
            return result;
        }
    }

    /// <summary>The ids of every retained event.</summary>
    public HashSet<string> EventIds()
    {
        lock (_lock)
        {
            var ids = new HashSet<string>(_count, StringComparer.Ordinal);
            for (var i = 0; i < _count; i++)
            {
                ids.Add(_ring[(_head + i) % _ring.Length].EventId);
            }
            return ids;
        }
    }

    /// <summary>The event's JSON, copied, or null once it has left the window.</summary>
    public byte[]? CopyJson(long seq)
    {
        lock (_lock)
        {
            return seq < _firstSeq || seq >= _firstSeq + _count ? null : _ring[(_head + (int)(seq - _firstSeq)) % _ring.Length].Json.ToArray();
        }
    }

    /// <summary>
    /// Newest first, the first <paramref name="limit"/> events before sequence number <paramref name="before"/> that
    /// <paramref name="match"/> accepts, materialized with their JSON; <c>More</c> says whether another one matches.
    /// </summary>
    public (List<AuditEvent> Page, long LastSeq, bool More) Page(long before, int limit, Func<RetainedEvent, bool> match)
    {
        var page = new List<AuditEvent>(limit);
        long lastSeq = 0;
        lock (_lock)
        {
            for (var i = _count - 1; i >= 0; i--)
            {
                var seq = _firstSeq + i;
                ref readonly var e = ref _ring[(_head + i) % _ring.Length];
                if (seq >= before || !match(e))
                {
                    continue;
                }
                if (page.Count == limit)
                {
                    return (page, lastSeq, true);
                }
                page.Add(new AuditEvent(e, e.Json.ToArray()));
                lastSeq = seq;
            }
        }
        return (page, lastSeq, false);
    }
}

/// <summary>
/// Hands out one <see cref="EventInfo"/> per distinct set of filter fields, so retained events share them. Bounded
/// (starts over when full); one thread at a time.
/// </summary>
internal sealed class EventInfoCache
{
    private const int MaxEntries = 4096;

    private readonly Dictionary<(string EventName, string? Username, string? AccessKeyId, string? ErrorCode, string? Recipient, string? Arn, string EventSource), EventInfo> _infos = [];
    private EventInfo? _last;

    public EventInfo Get(string eventName, bool readOnly, string? username, string? accessKeyId, string eventSource, string[] resourceArns,
        string? errorCode, string? recipientAccountId, bool dataEvent = false)
    {
        // Most calls repeat the previous one's caller, key and outcome.
        if (_last is { } last && last.ReadOnly == readOnly && last.DataEvent == dataEvent && last.EventSource == eventSource
            && last.Is(eventName, username, accessKeyId, resourceArns, errorCode, recipientAccountId))
        {
            return last;
        }
        if (resourceArns.Length > 1)
        {
            return _last = new EventInfo(eventName, readOnly, username, accessKeyId, eventSource, resourceArns, errorCode, recipientAccountId, dataEvent);
        }
        var key = (eventName, username, accessKeyId, errorCode, recipientAccountId, resourceArns.Length == 1 ? resourceArns[0] : null, eventSource);
        if (!_infos.TryGetValue(key, out var info) || info.ReadOnly != readOnly || info.DataEvent != dataEvent)
        {
            if (_infos.Count >= MaxEntries)
            {
                _infos.Clear();
            }
            _infos[key] = info = new EventInfo(eventName, readOnly, username, accessKeyId, eventSource, resourceArns, errorCode, recipientAccountId, dataEvent);
        }
        return _last = info;
    }
}
