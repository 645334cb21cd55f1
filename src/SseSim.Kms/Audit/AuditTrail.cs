using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;

namespace SseSim.Kms.Audit;

/// <summary>
/// CloudTrail-shaped events for every KMS call, refused ones included (reference kms.md §7).
/// Calls enqueue a small record; a background writer builds the JSON (keeping the hot path cheap) and appends
/// it durably: mutations' events at once, read-only ones gathered for up to <see cref="ReadOnlyLinger"/>. Only the first
/// event of a window, a mutation's event or a flush wakes the writer, so a read-only call costs no thread hop.
/// Plaintext, ciphertext, key material, grant tokens and MACs/signatures are never written.
/// </summary>
public sealed class AuditTrail : IAsyncDisposable, Core.Audit.IAuditSink
{
    /// <summary>Request members that carry secrets or bulk data: AWS leaves them out of requestParameters.</summary>
    private static readonly HashSet<string> Redacted = new(StringComparer.OrdinalIgnoreCase)
    {
        "plaintext", "ciphertextBlob", "grantTokens", "grantToken", "message", "signature", "mac", "encryptedKeyMaterial",
        "importToken", "publicKey", "privateKeyPlaintext", "recipient",
    };

    private static readonly HashSet<string> ReadOnlyOperations =
    [
        "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac", "Sign", "Verify", "GetPublicKey", "GenerateRandom", "DeriveSharedSecret",
        "DescribeKey", "ListKeys", "ListAliases", "ListGrants", "ListRetirableGrants", "ListResourceTags", "ListKeyPolicies",
        "GetKeyPolicy", "GetKeyRotationStatus", "ListKeyRotations", "GetParametersForImport",
    ];

    private static readonly JsonSerializerOptions CamelCase = CreateCamelCase();

    // Read-only options cache their type metadata; mutable ones rebuild it on every GetTypeInfo call.
    private static JsonSerializerOptions CreateCamelCase()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitSecrets } },
        };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>
    /// Second line of defence behind <see cref="Redacted"/>: binary members (plaintext, blobs, key material) and
    /// secret holders are never serialized, at any depth, whatever a request type calls them.
    /// </summary>
    private static void OmitSecrets(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }
        foreach (var property in info.Properties)
        {
            var t = property.PropertyType;
            if (t == typeof(byte[]) || t == typeof(ReadOnlyMemory<byte>) || t == typeof(Memory<byte>) || t == typeof(ReadOnlyMemory<byte>?)
                || t == typeof(Memory<byte>?) || t == typeof(SecretBytes) || Redacted.Contains(property.Name))
            {
                property.ShouldSerialize = static (_, _) => false;
            }
        }
    }

    private const int MemoryWindow = 200_000;

    private readonly IAppendLog _log;
    private readonly TimeProvider _time;
    private readonly string _region;
    // A lock-free queue plus a wake-up the callers trigger only when the writer must act now; the bound is enforced
    // with a counter. (A channel's write takes a lock and wakes its reader for every event, one thread hop per call.)
    private const int MaxPending = 100_000;
    private readonly ConcurrentQueue<PendingEvent> _queue = new();
    private int _pending;
    // 1 once a mutation's event or a flush is queued: it ends the writer's linger.
    private int _urgent;
    // 1 while the writer sleeps with nothing queued: the next event must wake it (and starts the linger).
    private int _writerIdle;
    private TaskCompletionSource? _wake;
    private volatile bool _closed;
    // Oldest first; each event carries a sequence number that LookupEvents' NextToken points at.
    private readonly List<(long Seq, AuditEvent Event)> _recent = [];
    private long _nextSeq;
    private readonly Lock _recentLock = new();
    private readonly Task _writer;

    public AuditTrail(IAppendLog log, TimeProvider time, string region)
    {
        _log = log;
        _time = time;
        _region = region;
        foreach (var record in log.ReadAll())
        {
            Remember(AuditEvent.Parse(record));
        }
        _writer = Task.Run(WriteLoopAsync);
    }

    private sealed record PendingEvent(KmsCall Call, object Request, KmsException? Error, DateTimeOffset Time, string[] ResourceArns, string[] ResourceAccounts, Core.Crypto.EncryptionContext? Context)
    {
        /// <summary>Set for successful mutations: completes once the event is durable.</summary>
        public TaskCompletionSource? Durable { get; init; }

        /// <summary>Fixed up front for mutations, so the copy in the KMS table's outbox and the logged event are one event.</summary>
        public string? EventId { get; init; }

        /// <summary>An event another service built (<see cref="Core.Audit.AuditRecord"/>), stored as it is.</summary>
        public byte[]? External { get; init; }
    }

    /// <summary>True for operations that change nothing (CloudTrail readOnly).</summary>
    public static bool IsReadOnly(string operation) => ReadOnlyOperations.Contains(operation);

    public static string NewEventId() => NewId();

    /// <summary>
    /// The success event of a mutating call as it stands now, built on the caller's thread. The KMS store writes it in
    /// the same atomic batch as the change (an outbox), so a crash cannot leave a change without its event.
    /// </summary>
    public byte[] BuildOutboxEvent(KmsCall call, object request, string eventId)
    {
        using var writer = new Utf8JsonWriter(Stream.Null, JsonWriterSettings);
        return Build(Pending(call, request, null, eventId), writer, arena: null).Utf8Json.ToArray();
    }

    /// <summary>
    /// Startup: outbox events (from the KMS table) whose call crashed before its logged event was durable are appended
    /// now; the ones already in the log are skipped.
    /// </summary>
    public async Task RecoverOutboxAsync(IEnumerable<byte[]> outboxEvents)
    {
        HashSet<string> known;
        lock (_recentLock)
        {
            known = _recent.Select(r => r.Event.EventId).ToHashSet(StringComparer.Ordinal);
        }
        foreach (var json in outboxEvents)
        {
            var e = AuditEvent.Parse(json);
            if (known.Add(e.EventId))
            {
                Remember(e);
                await _log.AppendAsync(json);
            }
        }
    }

    /// <summary>
    /// Records the event. For a successful mutating call the returned task completes once the event is durable, so
    /// the caller can hold its acknowledgement until then (an acknowledged mutation always has its event after a
    /// crash); other events are written in the background and the task is already complete.
    /// </summary>
    public Task Record(KmsCall call, object request, KmsException? error, string? eventId = null)
    {
        var durable = error is null && !ReadOnlyOperations.Contains(call.Operation)
            ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
            : null;
        var pending = Pending(call, request, error, eventId, durable);
        // Back-pressure rather than dropping: an audit that silently loses events is worse than a slower call.
        var spinner = new SpinWait();
        while (Volatile.Read(ref _pending) >= MaxPending)
        {
            spinner.SpinOnce();
        }
        if (_closed)
        {
            durable?.TrySetException(new ObjectDisposedException(nameof(AuditTrail)));
        }
        else
        {
            Enqueue(pending, urgent: durable is not null);
        }
        return durable?.Task ?? Task.CompletedTask;
    }

    private void Enqueue(PendingEvent pending, bool urgent)
    {
        _queue.Enqueue(pending);
        // After the enqueue, and a full fence: the read of _writerIdle below cannot miss a writer that just went idle
        // (it publishes the flag, then looks at the queue).
        var count = Interlocked.Increment(ref _pending);
        if (urgent)
        {
            Interlocked.Exchange(ref _urgent, 1);
        }
        if (urgent || count >= MaxBatch || Volatile.Read(ref _writerIdle) == 1)
        {
            Wake();
        }
    }

    private void Wake() => Interlocked.Exchange(ref _wake, null)?.TrySetResult();

    /// <summary>A refusal by another service (S3, EC2): written and looked up like KMS's own events, in the background.</summary>
    public void Record(Core.Audit.AuditRecord record)
    {
        var json = record.ToCloudTrailJson(NewId(), _time.GetUtcNow(), _region);
        if (!_closed)
        {
            Enqueue(new PendingEvent(null!, record, null, default, [], [], null) { External = json }, urgent: false);
        }
    }

    private PendingEvent Pending(KmsCall call, object request, KmsException? error, string? eventId, TaskCompletionSource? durable = null)
    {
        var count = call.TouchedKeyCount;
        var arns = count == 0 ? [] : new string[count];
        var accounts = count == 0 ? [] : new string[count];
        for (var i = 0; i < count; i++)
        {
            var key = call.TouchedKey(i);
            arns[i] = key.Arn;
            accounts[i] = key.AccountId;
        }
        return new PendingEvent(call, request, error, _time.GetUtcNow(), arns, accounts, call.Context) { EventId = eventId, Durable = durable };
    }

    /// <summary>Waits until every event recorded so far is durable (tests, shutdown).</summary>
    public async Task FlushAsync()
    {
        if (_writer.IsCompleted)
        {
            return;
        }
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(new PendingEvent(null!, done, null, default, [], [], null), urgent: true);
        await done.Task;
    }

    /// <summary>Events still held in memory, newest first.</summary>
    public IReadOnlyList<AuditEvent> Recent()
    {
        lock (_recentLock)
        {
            var result = new AuditEvent[_recent.Count];
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = _recent[_recent.Count - 1 - i].Event;
            }
            return result;
        }
    }

    public static readonly IReadOnlyList<string> LookupAttributeKeys =
        ["EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName", "EventSource", "AccessKeyId"];

    /// <summary>
    /// CloudTrail LookupEvents over the retained events: at most one attribute filter, an inclusive time range,
    /// newest first, <paramref name="maxResults"/> 1-50 (default 50), and an opaque NextToken bound to the query.
    /// </summary>
    public (IReadOnlyList<AuditEvent> Events, string? NextToken) LookupEvents(LookupAttribute? attribute, DateTimeOffset? startTime,
        DateTimeOffset? endTime, int? maxResults = null, string? nextToken = null, string? accountId = null)
    {
        var limit = maxResults ?? 50;
        if (limit is < 1 or > 50)
        {
            throw new CloudTrailException("InvalidMaxResultsException", "Value for MaxResults is invalid. It must be between 1 and 50.");
        }
        if (attribute is not null)
        {
            if (!LookupAttributeKeys.Contains(attribute.AttributeKey))
            {
                throw new CloudTrailException("InvalidLookupAttributesException", $"Invalid attribute key: {attribute.AttributeKey}.");
            }
            if (string.IsNullOrEmpty(attribute.AttributeValue) || attribute.AttributeValue.Length > 2000)
            {
                throw new CloudTrailException("InvalidLookupAttributesException", "The attribute value must be between 1 and 2000 characters.");
            }
        }
        if (startTime is { } s && endTime is { } e && s > e)
        {
            throw new CloudTrailException("InvalidTimeRangeException", "Start time must be before end time.");
        }
        var queryHash = QueryHash(attribute, startTime, endTime);
        var before = long.MaxValue;
        if (nextToken is not null)
        {
            before = ReadToken(nextToken, queryHash);
        }

        var page = new List<AuditEvent>(limit);
        long lastSeq = 0;
        var more = false;
        lock (_recentLock)
        {
            for (var i = _recent.Count - 1; i >= 0; i--)
            {
                var (seq, ev) = _recent[i];
                if (seq >= before || (startTime is { } from && ev.EventTime < from) || (endTime is { } to && ev.EventTime > to) || !Matches(ev, attribute)
                    || (accountId is not null && !ev.IsVisibleTo(accountId)))
                {
                    continue;
                }
                if (page.Count == limit)
                {
                    more = true;
                    break;
                }
                page.Add(ev);
                lastSeq = seq;
            }
        }
        return (page, more ? Convert.ToBase64String(Encoding.ASCII.GetBytes(FormattableString.Invariant($"1:{lastSeq}:{queryHash}"))) : null);
    }

    private static bool Matches(AuditEvent e, LookupAttribute? a) => a is null || a.AttributeKey switch
    {
        "EventId" => e.EventId == a.AttributeValue,
        "EventName" => e.EventName == a.AttributeValue,
        "ReadOnly" => string.Equals(e.ReadOnly ? "true" : "false", a.AttributeValue, StringComparison.OrdinalIgnoreCase),
        "Username" => e.Username == a.AttributeValue,
        "ResourceType" => e.ResourceArns.Count > 0 && a.AttributeValue == AuditEvent.KeyResourceType,
        "ResourceName" => e.ResourceArns.Contains(a.AttributeValue),
        "EventSource" => e.EventSource == a.AttributeValue,
        "AccessKeyId" => e.AccessKeyId == a.AttributeValue,
        _ => false,
    };

    private static string QueryHash(LookupAttribute? a, DateTimeOffset? start, DateTimeOffset? end)
    {
        var text = FormattableString.Invariant($"{a?.AttributeKey}\n{a?.AttributeValue}\n{start?.UtcTicks}\n{end?.UtcTicks}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 8));
    }

    private static long ReadToken(string token, string queryHash)
    {
        try
        {
            var parts = Encoding.ASCII.GetString(Convert.FromBase64String(token)).Split(':');
            if (parts.Length == 3 && parts[0] == "1" && parts[2] == queryHash
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            {
                return seq;
            }
        }
        catch (FormatException)
        {
            // Falls through to the CloudTrail error below.
        }
        throw new CloudTrailException("InvalidNextTokenException", "Invalid NextToken: it is not valid for this query.");
    }

    /// <summary>
    /// How long read-only events may wait for company before they are appended: one group commit then covers every
    /// event of the window instead of one commit per handful of calls. A mutation's event or a flush ends the wait.
    /// </summary>
    public static readonly TimeSpan ReadOnlyLinger = TimeSpan.FromMilliseconds(20);

    private const int MaxBatch = 4096;

    private async Task WriteLoopAsync()
    {
        var records = new List<ReadOnlyMemory<byte>>();
        var events = new List<AuditEvent>();
        var appends = new List<Task>();
        var flushes = new List<TaskCompletionSource>();
        var durable = new List<TaskCompletionSource>();
        while (!_closed || !_queue.IsEmpty)
        {
            if (_queue.IsEmpty)
            {
                // Idle: the next event wakes the writer.
                var wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _writerIdle, 1);
                Interlocked.Exchange(ref _wake, wake);
                if (_queue.IsEmpty && !_closed)
                {
                    await wake.Task;
                }
                Volatile.Write(ref _writerIdle, 0);
                continue;
            }
            // Linger: read-only events gather until the window ends, unless a mutation, a flush, a full batch or
            // shutdown calls for a write now.
            var started = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref _urgent) == 0 && !_closed && Volatile.Read(ref _pending) < MaxBatch
                && ReadOnlyLinger - Stopwatch.GetElapsedTime(started) is { Ticks: > 0 } left)
            {
                var wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Interlocked.Exchange(ref _wake, wake);
                if (Volatile.Read(ref _urgent) != 0 || _closed || Volatile.Read(ref _pending) >= MaxBatch)
                {
                    break;
                }
                await Task.WhenAny(wake.Task, Task.Delay(left));
            }
            Interlocked.Exchange(ref _wake, null);
            // Cleared before draining: an urgent event queued from here on is either drained now or wakes the next round.
            Interlocked.Exchange(ref _urgent, 0);
            while (records.Count < MaxBatch && _queue.TryDequeue(out var pending))
            {
                if (pending.Call is null && pending.External is null)
                {
                    flushes.Add((TaskCompletionSource)pending.Request);
                    continue;
                }
                Interlocked.Decrement(ref _pending);
                var e = pending.External is { } external ? AuditEvent.Parse(external) : Build(pending, _json, _arena);
                events.Add(e);
                records.Add(e.Utf8Json);
                if (pending.Durable is not null)
                {
                    durable.Add(pending.Durable);
                }
            }
            // Visible to LookupEvents at once; durable with the batch's commit.
            Remember(events);
            events.Clear();
            await WriteBatchAsync(records, appends, durable, flushes);
        }
    }

    private async Task WriteBatchAsync(List<ReadOnlyMemory<byte>> records, List<Task> appends, List<TaskCompletionSource> durable, List<TaskCompletionSource> flushes)
    {
        foreach (var record in records)
        {
            // Started together, the appends share the log's group commits instead of one commit each.
            Task append;
            try
            {
                append = _log.AppendAsync(record).AsTask();
            }
            catch (Exception ex)
            {
                // A store that fails synchronously (a faulted log, a full disk) must not end this loop: every
                // later mutation would wait for its event forever.
                append = Task.FromException(ex);
            }
            appends.Add(append);
        }
        Exception? failure = null;
        try
        {
            await Task.WhenAll(appends);
        }
        catch (Exception e)
        {
            // A failed append (storage fault, closing log) fails the mutations waiting on it; the loop goes on,
            // so the audit recovers when the storage does.
            failure = e;
        }
        foreach (var d in durable)
        {
            if (failure is null)
            {
                d.TrySetResult();
            }
            else
            {
                d.TrySetException(new IOException("The audit event could not be made durable.", failure));
            }
        }
        durable.Clear();
        appends.Clear();
        records.Clear();
        foreach (var f in flushes)
        {
            f.TrySetResult();
        }
        flushes.Clear();
    }

    private void Remember(AuditEvent e) => Remember([e]);

    private void Remember(List<AuditEvent> events)
    {
        lock (_recentLock)
        {
            foreach (var e in events)
            {
                _recent.Add((_nextSeq++, e));
            }
            // Trim in chunks so the copy cost is amortized.
            if (_recent.Count > MemoryWindow + (MemoryWindow / 10))
            {
                _recent.RemoveRange(0, _recent.Count - MemoryWindow);
            }
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, bool> HasContextMember = new();
    // Structure is right by construction (and covered by tests), so the writer skips validating every token.
    private static readonly JsonWriterOptions JsonWriterSettings = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly Utf8JsonWriter _json = new(Stream.Null, JsonWriterSettings);
    private readonly JsonArena _arena = new();
    private readonly EventFragments _fragments = new(JsonWriterSettings);

    /// <param name="arena">
    /// The writer thread's arena, which also means the writer thread's caches (timestamp, fragments) may be used;
    /// null: a fresh array, from any thread.
    /// </param>
    private AuditEvent Build(PendingEvent p, Utf8JsonWriter w, JsonArena? arena)
    {
        var call = p.Call;
        var identity = call.Caller.Identity;
        var fragments = arena is null ? null : _fragments;
        var via = call.Caller.ViaService is not { } viaService ? null
            : fragments?.CachedInvokedBy(viaService) ?? EventFragments.InvokedBy(viaService);
        var eventId = p.EventId ?? NewId();
        var readOnly = ReadOnlyOperations.Contains(call.Operation);
        var buffer = arena is null ? new ArrayBufferWriter<byte>(2048) : null;
        w.Reset(arena ?? (IBufferWriter<byte>)buffer!);
        try
        {
            w.WriteStartObject();
            w.WriteString("eventVersion"u8, "1.08"u8);
            if (fragments is null)
            {
                Core.Audit.AuditRecord.WriteUserIdentity(w, identity, via);
            }
            else
            {
                fragments.WriteUserIdentity(w, identity, via);
            }
            w.WriteString("eventTime"u8, arena is not null ? EventTime(p.Time) : FormatTime(p.Time));
            w.WriteString("eventSource"u8, "kms.amazonaws.com"u8);
            w.WriteString("eventName"u8, call.Operation);
            w.WriteString("awsRegion"u8, _region);
            w.WriteString("sourceIPAddress"u8, via ?? call.Caller.SourceIp ?? "127.0.0.1");
            w.WriteString("userAgent"u8, via ?? call.Caller.UserAgent ?? "");
            if (p.Error is not null)
            {
                w.WriteString("errorCode"u8, p.Error.ErrorType);
                w.WriteString("errorMessage"u8, p.Error.Message);
            }
            w.WritePropertyName("requestParameters"u8);
            WriteParameters(w, p);
            w.WriteNull("responseElements"u8);
            Span<byte> requestId = stackalloc byte[36];
            NewUuid().TryFormat(requestId, out _);
            w.WriteString("requestID"u8, requestId);
            w.WriteString("eventID"u8, eventId);
            w.WriteBoolean("readOnly"u8, readOnly);
            w.WriteStartArray("resources"u8);
            for (var i = 0; i < p.ResourceArns.Length; i++)
            {
                if (fragments is null)
                {
                    EventFragments.WriteKeyResource(w, p.ResourceArns[i], p.ResourceAccounts[i]);
                }
                else
                {
                    fragments.WriteResource(w, p.ResourceArns[i], p.ResourceAccounts[i]);
                }
            }
            w.WriteEndArray();
            w.WriteString("eventType"u8, "AwsApiCall"u8);
            w.WriteBoolean("managementEvent"u8, true);
            w.WriteString("recipientAccountId"u8, call.Caller.AccountId);
            w.WriteString("eventCategory"u8, "Management"u8);
            w.WriteEndObject();
            w.Flush();
        }
        catch
        {
            arena?.Rollback();
            throw;
        }
        return new AuditEvent(eventId, call.Operation, p.Time, readOnly, identity.UserName, identity.AccessKeyId, "kms.amazonaws.com",
            p.ResourceArns, p.Error?.ErrorType, arena is null ? buffer!.WrittenSpan.ToArray() : arena.Commit())
        { RecipientAccountId = call.Caller.AccountId };
    }

    private static string NewId() => NewUuid().ToString();

    private static Guid NewUuid() => Core.Crypto.RandomPool.NewUuid();

    private static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private long _timeSecond = -1;
    private string _timeText = "";

    /// <summary>Events in the same second share one formatted timestamp (only the writer thread calls this).</summary>
    private string EventTime(DateTimeOffset time)
    {
        var second = time.ToUnixTimeSeconds();
        if (second != _timeSecond)
        {
            _timeText = FormatTime(time);
            _timeSecond = second;
        }
        return _timeText;
    }

    /// <summary>The request in camelCase, secrets omitted, plus what CloudTrail adds (the context, Decrypt's algorithm).</summary>
    private static void WriteParameters(Utf8JsonWriter w, PendingEvent p)
    {
        if (HotRequestParameters.TryWrite(w, p.Request))
        {
            return;
        }
        var typeInfo = CamelCase.GetTypeInfo(p.Request.GetType());
        var needsAlgorithm = p.Request is Operations.DecryptRequest { EncryptionAlgorithm: null };
        var needsContext = p.Context is { Count: > 0 } && !HasContextMember.GetOrAdd(typeInfo.Type, _ => typeInfo.Properties.Any(x => x.Name == "encryptionContext"));
        // Fast path for the hot operations: a request that carries its own context serializes straight into the event.
        if (!needsAlgorithm && !needsContext && p.Context is { Count: > 0 })
        {
            JsonSerializer.Serialize(w, p.Request, typeInfo);
            return;
        }
        var request = JsonSerializer.SerializeToUtf8Bytes(p.Request, typeInfo);
        var extra = new List<(string Name, Action<Utf8JsonWriter> Write)>();
        if (p.Context is { Count: > 0 } ctx && request.AsSpan().IndexOf("\"encryptionContext\""u8) < 0)
        {
            extra.Add(("encryptionContext", x =>
            {
                x.WriteStartObject();
                foreach (var (k, v) in ctx)
                {
                    x.WriteString(k, v);
                }
                x.WriteEndObject();
            }
            ));
        }
        if (p.Call.Operation == "Decrypt" && request.AsSpan().IndexOf("\"encryptionAlgorithm\""u8) < 0)
        {
            extra.Add(("encryptionAlgorithm", x => x.WriteStringValue("SYMMETRIC_DEFAULT")));
        }
        if (extra.Count == 0)
        {
            if (request.Length <= 2)
            {
                w.WriteNullValue();
            }
            else
            {
                w.WriteRawValue(request, skipInputValidation: true);
            }
            return;
        }
        using var doc = JsonDocument.Parse(request);
        w.WriteStartObject();
        foreach (var property in doc.RootElement.EnumerateObject())
        {
            property.WriteTo(w);
        }
        foreach (var (name, write) in extra)
        {
            w.WritePropertyName(name);
            write(w);
        }
        w.WriteEndObject();
    }

    public async ValueTask DisposeAsync()
    {
        _closed = true;
        Wake();
        await _writer;
        await _json.DisposeAsync();
    }
}

/// <summary>A stored event with the fields LookupEvents filters on, plus the full CloudTrail JSON.</summary>
public sealed record AuditEvent(string EventId, string EventName, DateTimeOffset EventTime, bool ReadOnly, string? Username,
    string? AccessKeyId, string EventSource, IReadOnlyList<string> ResourceArns, string? ErrorCode, ReadOnlyMemory<byte> Utf8Json)
{
    /// <summary>The CloudTrail event JSON; kept as UTF-8 and decoded only when someone reads it.</summary>
    public string Json => Encoding.UTF8.GetString(Utf8Json.Span);

    public const string KeyResourceType = "AWS::KMS::Key";

    /// <summary>The account whose trail holds the event (CloudTrail recipientAccountId).</summary>
    public string? RecipientAccountId { get; init; }

    /// <summary>
    /// The caller's account sees its own calls; the owner of a key sees every call on it, allowed or refused, as AWS
    /// logs a cross-account KMS call in both trails (docs/security.md#cross-account).
    /// </summary>
    public bool IsVisibleTo(string accountId)
    {
        if (RecipientAccountId == accountId)
        {
            return true;
        }
        foreach (var arn in ResourceArns)
        {
            // arn:aws:kms:REGION:ACCOUNT:key/ID
            var parts = arn.Split(':', 6);
            if (parts.Length == 6 && parts[4] == accountId)
            {
                return true;
            }
        }
        return false;
    }

    public static AuditEvent Parse(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var identity = root.GetProperty("userIdentity");
        var arns = root.TryGetProperty("resources", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Select(x => x.GetProperty("ARN").GetString()!).ToArray()
            : [];
        return new AuditEvent(
            root.GetProperty("eventID").GetString()!,
            root.GetProperty("eventName").GetString()!,
            DateTimeOffset.Parse(root.GetProperty("eventTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            root.GetProperty("readOnly").GetBoolean(),
            identity.TryGetProperty("userName", out var u) ? u.GetString() : null,
            identity.TryGetProperty("accessKeyId", out var a) ? a.GetString() : null,
            root.GetProperty("eventSource").GetString()!,
            arns,
            root.TryGetProperty("errorCode", out var ec) ? ec.GetString() : null,
            json)
        {
            RecipientAccountId = root.TryGetProperty("recipientAccountId", out var ra) ? ra.GetString() : null,
        };
    }
}

/// <summary>One LookupEvents filter (CloudTrail LookupAttribute).</summary>
public sealed record LookupAttribute(string AttributeKey, string AttributeValue);

/// <summary>A CloudTrail client error: <see cref="ErrorType"/> is the AWS __type (e.g. InvalidNextTokenException).</summary>
public sealed class CloudTrailException(string errorType, string message) : Exception(message)
{
    public string ErrorType { get; } = errorType;
}
