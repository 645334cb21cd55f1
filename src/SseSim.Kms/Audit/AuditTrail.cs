using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
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
        "importToken", "publicKey", "privateKeyPlaintext", "recipient", "keyStorePassword", "xksProxyAuthenticationCredential",
    };

    private static readonly HashSet<string> ReadOnlyOperations =
    [
        "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac", "Sign", "Verify", "GetPublicKey", "GenerateRandom", "DeriveSharedSecret",
        "DescribeKey", "ListKeys", "ListAliases", "ListGrants", "ListRetirableGrants", "ListResourceTags", "ListKeyPolicies",
        "GetKeyPolicy", "GetKeyRotationStatus", "ListKeyRotations", "GetParametersForImport", "DescribeCustomKeyStores", "GetKeyLastUsage",
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

    /// <summary>How many of the newest events stay in memory for LookupEvents and the dashboard.</summary>
    public const int DefaultMemoryWindow = 200_000;

    private readonly IAppendLog _log;
    private readonly TimeProvider _time;
    // The server's Region: for service events, and for calls whose caller names none.
    private readonly string _region;

    /// <summary>A call's awsRegion: the Region its request was signed for (where a multi-Region copy lives).</summary>
    private string RegionOf(KmsCall call) => string.IsNullOrEmpty(call.Caller.Region) ? _region : call.Caller.Region;
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
    // The newest memoryWindow events; each has a sequence number that LookupEvents' NextToken points at.
    private readonly RetainedEvents _retained;
    private readonly Task _writer;

    public AuditTrail(IAppendLog log, TimeProvider time, string region, int memoryWindow = DefaultMemoryWindow)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryWindow, 1);
        _retained = new RetainedEvents(memoryWindow);
        _log = log;
        _time = time;
        _region = region;
        // Before the writer starts, so the writer's EventInfo cache may be used.
        foreach (var record in log.ReadAll())
        {
            _retained.Add(Retained(AuditEvent.Parse(record), (RetainedEvents.Own(record), 0, record.Length), _infos));
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

        /// <summary>A successful call's response, for the members CloudTrail logs as responseElements.</summary>
        public object? Response { get; init; }

        /// <summary>Another service's call, built into its event by the writer.</summary>
        public Core.Audit.AuditRecord? Foreign { get; init; }
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
        var buffer = new ArrayBufferWriter<byte>(2048);
        writer.Reset(buffer);
        Build(Pending(call, request, null, eventId), writer, cached: false);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Startup: outbox events (from the KMS table) whose call crashed before its logged event was durable are appended
    /// now; the ones already in the log are skipped.
    /// </summary>
    public async Task RecoverOutboxAsync(IEnumerable<byte[]> outboxEvents)
    {
        var known = _retained.EventIds();
        foreach (var json in outboxEvents)
        {
            var e = AuditEvent.Parse(json);
            if (known.Add(e.EventId))
            {
                // The writer may be running: no EventInfo cache here.
                _retained.Add(Retained(e, (RetainedEvents.Own(json), 0, json.Length), infos: null));
                await _log.AppendAsync(json);
            }
        }
    }

    /// <summary>
    /// Records the event. For a successful mutating call the returned task completes once the event is durable, so
    /// the caller can hold its acknowledgement until then (an acknowledged mutation always has its event after a
    /// crash); other events are written in the background and the task is already complete.
    /// </summary>
    public Task Record(KmsCall call, object request, KmsException? error, string? eventId = null, object? response = null)
    {
        var durable = error is null && !ReadOnlyOperations.Contains(call.Operation)
            ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
            : null;
        var pending = Pending(call, request, error, eventId, durable, response);
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

    /// <summary>
    /// Another service's call (S3, EC2, EBS): queued as it is, its JSON built by the writer, then looked up like KMS's
    /// own events.
    /// </summary>
    public void Record(Core.Audit.AuditRecord record)
    {
        if (!_closed)
        {
            Enqueue(new PendingEvent(null!, record, null, _time.GetUtcNow(), [], [], null) { Foreign = record }, urgent: false);
        }
    }

    /// <summary>A foreign call's event (writer thread); its awsRegion is the Region its request was signed for.</summary>
    private byte[] BuildForeign(PendingEvent pending)
    {
        Core.Audit.AuditRecord record;
        try
        {
            record = pending.Foreign!.Completed();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or System.Text.Json.JsonException)
        {
            // The event without the details its service could not read beats a writer that stops.
            record = pending.Foreign! with { Complete = null };
        }
        var region = string.IsNullOrEmpty(record.Caller.Region) ? _region : record.Caller.Region;
        return record.ToCloudTrailJson(NewId(), pending.Time, region);
    }

    /// <summary>
    /// An event KMS writes on its own (<see cref="ServiceEvents"/>): like a mutation's, the task completes once it is
    /// durable.
    /// </summary>
    public Task RecordServiceEvent(byte[] json)
    {
        var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_closed)
        {
            durable.TrySetException(new ObjectDisposedException(nameof(AuditTrail)));
        }
        else
        {
            Enqueue(new PendingEvent(null!, json, null, default, [], [], null) { External = json, Durable = durable }, urgent: true);
        }
        return durable.Task;
    }

    private PendingEvent Pending(KmsCall call, object request, KmsException? error, string? eventId, TaskCompletionSource? durable = null, object? response = null)
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
        if (AliasOf(request) is { } alias)
        {
            // The alias calls name the alias's ARN among their resources too (the KMS developer guide's CreateAlias and
            // UpdateAlias log entries: after the key for CreateAlias, before it for UpdateAlias), so LookupEvents finds
            // them by that ARN.
            var aliasArn = $"arn:aws:kms:{RegionOf(call)}:{call.Caller.AccountId}:{alias}";
            var first = call.Operation == "UpdateAlias";
            arns = first ? [aliasArn, .. arns] : [.. arns, aliasArn];
            accounts = first ? [call.Caller.AccountId, .. accounts] : [.. accounts, call.Caller.AccountId];
        }
        return new PendingEvent(call, request, error, _time.GetUtcNow(), arns, accounts, call.Context) { EventId = eventId, Durable = durable, Response = response };
    }

    private static string? AliasOf(object request) => request switch
    {
        Operations.CreateAliasRequest r => ValidAlias(r.AliasName),
        Operations.UpdateAliasRequest r => ValidAlias(r.AliasName),
        Operations.DeleteAliasRequest r => ValidAlias(r.AliasName),
        _ => null,
    };

    private static string? ValidAlias(string? name) =>
        name is { Length: > 6 and <= 256 } && name.StartsWith("alias/", StringComparison.Ordinal) && !name.Contains(':', StringComparison.Ordinal) ? name : null;

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
    public IReadOnlyList<AuditEvent> Recent() => _retained.Snapshot();

    /// <summary>How far back LookupEvents reaches (CloudTrail's event history: the last 90 days).</summary>
    public static readonly TimeSpan LookupHistory = TimeSpan.FromDays(90);

    public static readonly IReadOnlyList<string> LookupAttributeKeys =
        ["EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName", "EventSource", "AccessKeyId"];

    /// <summary>
    /// CloudTrail LookupEvents over the retained events of the last 90 days: at most one attribute filter, an inclusive time range,
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

        // CloudTrail's event history holds the last 90 days; an older StartTime is no error, the older events are just gone.
        var oldest = _time.GetUtcNow() - LookupHistory;
        var (id, rawId) = attribute?.AttributeKey == "EventId" ? RetainedEvent.SplitId(attribute.AttributeValue) : default;
        // The event history holds management events only: data events (S3 object calls, EBS block calls) are left out.
        var (page, lastSeq, more) = _retained.Page(before, limit, e =>
            !e.Info.DataEvent && e.Time >= oldest && (startTime is not { } from || e.Time >= from) && (endTime is not { } to || e.Time <= to) && Matches(e, id, rawId, attribute)
            && (accountId is null || AuditEvent.IsVisibleTo(e.Info.RecipientAccountId, e.Info.ResourceArns, accountId)));
        return (page, more ? Convert.ToBase64String(Encoding.ASCII.GetBytes(FormattableString.Invariant($"1:{lastSeq}:{queryHash}"))) : null);
    }

    /// <summary>
    /// Trail delivery's source: the retained events <paramref name="accountId"/> sees (as in LookupEvents) recorded
    /// after <paramref name="after"/> and at or before <paramref name="through"/>, management and data events alike,
    /// oldest first.
    /// </summary>
    public IReadOnlyList<AuditEvent> EventsBetween(DateTimeOffset after, DateTimeOffset through, string accountId)
    {
        var events = new List<AuditEvent>();
        var before = long.MaxValue;
        while (true)
        {
            var (page, lastSeq, more) = _retained.Page(before, 10_000, e =>
                e.Time > after && e.Time <= through && AuditEvent.IsVisibleTo(e.Info.RecipientAccountId, e.Info.ResourceArns, accountId));
            events.AddRange(page);
            if (!more)
            {
                break;
            }
            before = lastSeq;
        }
        events.Reverse();
        return events;
    }

    /// <summary>
    /// GetKeyLastUsage's source: the newest retained successful event named in <paramref name="eventNames"/> on
    /// <paramref name="resourceArn"/>, and where the retained window starts if older events were dropped.
    /// </summary>
    public (AuditEvent? Last, DateTimeOffset? WindowStart) LastSuccess(string resourceArn, IReadOnlyCollection<string> eventNames)
    {
        var (page, _, _) = _retained.Page(long.MaxValue, 1,
            e => e.Info.ErrorCode is null && eventNames.Contains(e.Info.EventName) && e.Info.ResourceArns.Contains(resourceArn));
        return (page.Count > 0 ? page[0] : null, _retained.WindowStart());
    }

    private static bool Matches(in RetainedEvent e, Guid id, string? rawId, LookupAttribute? a) => a is null || a.AttributeKey switch
    {
        "EventId" => e.Id == id && e.RawId == rawId,
        "EventName" => e.Info.EventName == a.AttributeValue,
        "ReadOnly" => string.Equals(e.Info.ReadOnly ? "true" : "false", a.AttributeValue, StringComparison.OrdinalIgnoreCase),
        "Username" => e.Info.Username == a.AttributeValue,
        "ResourceType" => e.Info.ResourceArns.Any(arn => AuditEvent.ResourceTypeOf(arn) == a.AttributeValue),
        "ResourceName" => e.Info.ResourceArns.Any(arn => arn == a.AttributeValue || AuditEvent.ResourceNameOf(arn) == a.AttributeValue),
        "EventSource" => e.Info.EventSource == a.AttributeValue,
        "AccessKeyId" => e.Info.AccessKeyId == a.AttributeValue,
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

    /// <summary>
    /// Batches whose durable wait may still be running while the writer builds the next ones. The writer waited for
    /// each batch's commit before draining more; on one busy core a commit takes several thread hops (tens of ms), so
    /// 4,096 events per wait capped the audit below the rate KMS calls produce them, and callers stalled in the
    /// back-pressure loop (measured: half the wall time of an in-process GenerateDataKey loop).
    /// </summary>
    private const int MaxBatchesInFlight = 8;

    private async Task WriteLoopAsync()
    {
        var records = new List<ReadOnlyMemory<byte>>();
        var events = new List<RetainedEvent>();
        var flushes = new List<TaskCompletionSource>();
        var durable = new List<TaskCompletionSource>();
        var inFlight = new Queue<Task>();
        var previous = Task.CompletedTask;
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
                if (pending.Call is null && pending.External is null && pending.Foreign is null)
                {
                    flushes.Add((TaskCompletionSource)pending.Request);
                    continue;
                }
                Interlocked.Decrement(ref _pending);
                var e = (pending.External ?? (pending.Foreign is null ? null : BuildForeign(pending))) is { } external
                    ? Retained(AuditEvent.Parse(external), _retained.Store(external), _infos)
                    : Build(pending);
                events.Add(e);
                records.Add(e.Chunk.Bytes.AsMemory(e.Offset, e.Length));
                if (pending.Durable is not null)
                {
                    durable.Add(pending.Durable);
                }
            }
            // Visible to LookupEvents at once; durable with the batch's commit. The window (far larger than a batch
            // times the batches in flight) keeps these records' chunks from reuse until long after the log has copied them.
            _retained.AddRange(CollectionsMarshal.AsSpan(events));
            events.Clear();
            // The log appends a batch before its first wait (IAppendLog), so batches stay in order while their
            // commits overlap; each batch completes after the one before it, so a flush still means "all so far".
            var batch = WriteBatchAsync(records.ToArray(), durable.ToArray(), flushes.ToArray(), previous);
            previous = batch;
            records.Clear();
            durable.Clear();
            flushes.Clear();
            while (inFlight.TryPeek(out var oldest) && oldest.IsCompleted)
            {
                _ = inFlight.Dequeue();
            }
            if (!batch.IsCompleted)
            {
                inFlight.Enqueue(batch);
                if (inFlight.Count >= MaxBatchesInFlight)
                {
                    await inFlight.Dequeue();
                }
            }
        }
        // Each batch completes after the one before it: the last one covers them all.
        await previous;
    }

    /// <param name="previous">The batch before this one; never faults.</param>
    private async Task WriteBatchAsync(ReadOnlyMemory<byte>[] records, TaskCompletionSource[] durable, TaskCompletionSource[] flushes, Task previous)
    {
        Exception? failure = null;
        try
        {
            // One call for the batch: the log waits once for the group commit that covers it.
            await _log.AppendBatchAsync(records);
        }
        catch (Exception e)
        {
            // A failed append (storage fault, closing log) fails the mutations waiting on it; the loop goes on,
            // so the audit recovers when the storage does. A store that fails synchronously (a faulted log, a full
            // disk) lands here too, so it cannot end this loop and leave later mutations waiting forever.
            failure = e;
        }
        await previous;
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
        foreach (var f in flushes)
        {
            f.TrySetResult();
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
    private readonly EventInfoCache _infos = new();
    private readonly EventFragments _fragments = new(JsonWriterSettings);

    /// <summary>Builds a KMS call's event into the retained events' arena (writer thread).</summary>
    private RetainedEvent Build(PendingEvent p)
    {
        _json.Reset(_retained);
        string eventId;
        try
        {
            eventId = Build(p, _json, cached: true);
        }
        catch
        {
            _retained.Rollback();
            throw;
        }
        var (chunk, offset, length) = _retained.Commit();
        var call = p.Call;
        var identity = call.Caller.Identity;
        var info = _infos.Get(call.Operation, ReadOnlyOperations.Contains(call.Operation), identity.UserName, identity.AccessKeyId, "kms.amazonaws.com",
            p.ResourceArns, p.Error?.ErrorType, call.Caller.AccountId);
        var (id, rawId) = RetainedEvent.SplitId(eventId);
        return new RetainedEvent(p.Time, id, rawId, info, chunk, offset, length);
    }

    /// <summary>Writes the event's JSON with <paramref name="w"/>, already aimed at its target; returns its id.</summary>
    /// <param name="cached">On the writer thread: its caches (timestamp, fragments) may be used.</param>
    private string Build(PendingEvent p, Utf8JsonWriter w, bool cached)
    {
        var call = p.Call;
        var identity = call.Caller.Identity;
        var fragments = cached ? _fragments : null;
        var via = call.Caller.ViaService is not { } viaService ? null
            : fragments?.CachedInvokedBy(viaService) ?? EventFragments.InvokedBy(viaService);
        var eventId = p.EventId ?? NewId();
        var readOnly = ReadOnlyOperations.Contains(call.Operation);
        w.WriteStartObject();
        w.WriteString("eventVersion"u8, "1.11"u8);
        if (fragments is null)
        {
            Core.Audit.AuditRecord.WriteUserIdentity(w, identity, via);
        }
        else
        {
            fragments.WriteUserIdentity(w, identity, via);
        }
        w.WriteString("eventTime"u8, cached ? EventTime(p.Time) : FormatTime(p.Time));
        var sourceIp = via ?? call.Caller.SourceIp ?? "127.0.0.1";
        var userAgent = via ?? call.Caller.UserAgent ?? "";
        if (fragments is null)
        {
            EventFragments.WriteCallerRun(w, call.Operation, RegionOf(call), sourceIp, userAgent);
        }
        else
        {
            fragments.WriteCallerRun(w, _retained, call.Operation, RegionOf(call), sourceIp, userAgent);
        }
        if (p.Error is not null)
        {
            w.WriteString("errorCode"u8, p.Error.ErrorType);
            w.WriteString("errorMessage"u8, p.Error.Message);
        }
        w.WritePropertyName("requestParameters"u8);
        WriteParameters(w, p);
        w.WritePropertyName("responseElements"u8);
        ResponseElements.Write(w, call.Operation, p.Response, p.ResourceArns);
        ResponseElements.WriteAdditionalEventData(w, p.Response);
        // The ID the caller was answered with, so its own call's event can be found (and GetKeyLastUsage's KmsRequestId
        // names that call); a fresh one for calls made on its behalf.
        if (call.Caller.RequestId is { Length: > 0 } callerRequestId)
        {
            w.WriteString("requestID"u8, callerRequestId);
        }
        else
        {
            Span<byte> requestId = stackalloc byte[36];
            NewUuid().TryFormat(requestId, out _);
            w.WriteString("requestID"u8, requestId);
        }
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
        if (fragments is null)
        {
            EventFragments.WriteTail(w, call.Caller.AccountId);
        }
        else
        {
            fragments.WriteTail(w, _retained, call.Caller.AccountId);
        }
        w.WriteEndObject();
        w.Flush();
        return eventId;
    }

    /// <summary>The retained form of an event: its filter fields (shared through <paramref name="infos"/> when given) and its JSON.</summary>
    private static RetainedEvent Retained(AuditEvent e, (RetainedEvents.Chunk Chunk, int Offset, int Length) json, EventInfoCache? infos)
    {
        var arns = e.ResourceArns as string[] ?? [.. e.ResourceArns];
        var info = infos?.Get(e.EventName, e.ReadOnly, e.Username, e.AccessKeyId, e.EventSource, arns, e.ErrorCode, e.RecipientAccountId, e.DataEvent)
            ?? new EventInfo(e.EventName, e.ReadOnly, e.Username, e.AccessKeyId, e.EventSource, arns, e.ErrorCode, e.RecipientAccountId, e.DataEvent);
        var (id, rawId) = RetainedEvent.SplitId(e.EventId);
        return new RetainedEvent(e.EventTime, id, rawId, info, json.Chunk, json.Offset, json.Length);
    }

    private static string NewId() => NewUuid().ToString();

    private static Guid NewUuid() => Core.Crypto.RandomPool.NewUuid();

    private static string FormatTime(DateTimeOffset time) => Core.Audit.AuditRecord.EventTime(time);

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

    /// <summary>The request in camelCase, secrets omitted, plus what CloudTrail adds (the context, the algorithms left to the default).</summary>
    private static void WriteParameters(Utf8JsonWriter w, PendingEvent p)
    {
        if (HotRequestParameters.TryWrite(w, p.Request))
        {
            return;
        }
        var typeInfo = CamelCase.GetTypeInfo(p.Request.GetType());
        var defaulted = DefaultedAlgorithms(p.Request);
        var needsAlgorithm = defaulted.Length > 0;
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
        foreach (var member in defaulted)
        {
            extra.Add((member, x => x.WriteStringValue(Operations.CryptoSupport.SymmetricDefault)));
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

    private static readonly string[] DecryptAlgorithm = ["encryptionAlgorithm"];
    private static readonly string[] ReEncryptAlgorithms = ["sourceEncryptionAlgorithm", "destinationEncryptionAlgorithm"];
    private static readonly string[] SourceAlgorithm = ["sourceEncryptionAlgorithm"];
    private static readonly string[] DestinationAlgorithm = ["destinationEncryptionAlgorithm"];

    /// <summary>
    /// The algorithm members the caller left to the default: CloudTrail writes them anyway (the ct-decrypt page says
    /// "always"; the ct-reencrypt example and services' ReEncrypt events carry both). Encrypt's is in <see cref="HotRequestParameters"/>.
    /// </summary>
    private static string[] DefaultedAlgorithms(object request) => request switch
    {
        Operations.DecryptRequest { EncryptionAlgorithm: null } => DecryptAlgorithm,
        Operations.ReEncryptRequest { SourceEncryptionAlgorithm: null, DestinationEncryptionAlgorithm: null } => ReEncryptAlgorithms,
        Operations.ReEncryptRequest { SourceEncryptionAlgorithm: null } => SourceAlgorithm,
        Operations.ReEncryptRequest { DestinationEncryptionAlgorithm: null } => DestinationAlgorithm,
        _ => [],
    };

    public async ValueTask DisposeAsync()
    {
        _closed = true;
        Wake();
        await _writer;
        await _json.DisposeAsync();
    }
}

/// <summary>A retained event with the fields LookupEvents filters on, plus the full CloudTrail JSON.</summary>
public sealed class AuditEvent : IEquatable<AuditEvent>
{
    private readonly Guid _id;
    private string? _eventId;
    private ReadOnlyMemory<byte>? _json;
    // Set while the JSON is still to be copied out of the retained events (RetainedEvents.Snapshot).
    private RetainedEvents? _store;
    private readonly long _seq;

    public AuditEvent(string eventId, string eventName, DateTimeOffset eventTime, bool readOnly, string? username, string? accessKeyId,
        string eventSource, IReadOnlyList<string> resourceArns, string? errorCode, ReadOnlyMemory<byte> utf8Json)
    {
        _eventId = eventId;
        EventName = eventName;
        EventTime = eventTime;
        ReadOnly = readOnly;
        Username = username;
        AccessKeyId = accessKeyId;
        EventSource = eventSource;
        ResourceArns = resourceArns;
        ErrorCode = errorCode;
        _json = utf8Json;
    }

    private AuditEvent(in RetainedEvent e)
    {
        _id = e.Id;
        _eventId = e.RawId;
        EventName = e.Info.EventName;
        EventTime = e.Time;
        ReadOnly = e.Info.ReadOnly;
        Username = e.Info.Username;
        AccessKeyId = e.Info.AccessKeyId;
        EventSource = e.Info.EventSource;
        ResourceArns = e.Info.ResourceArns;
        ErrorCode = e.Info.ErrorCode;
        RecipientAccountId = e.Info.RecipientAccountId;
        DataEvent = e.Info.DataEvent;
    }

    internal AuditEvent(in RetainedEvent e, byte[] json)
        : this(e)
    {
        _json = json;
    }

    internal AuditEvent(in RetainedEvent e, RetainedEvents store, long seq)
        : this(e)
    {
        _store = store;
        _seq = seq;
    }

    public string EventId => _eventId ??= _id.ToString();

    public string EventName { get; }

    public DateTimeOffset EventTime { get; }

    public bool ReadOnly { get; }

    public string? Username { get; }

    public string? AccessKeyId { get; }

    public string EventSource { get; }

    public IReadOnlyList<string> ResourceArns { get; }

    public string? ErrorCode { get; }

    /// <summary>
    /// The CloudTrail event JSON, as UTF-8. An event listed by <see cref="AuditTrail.Recent"/> copies it on first read;
    /// if by then the event has left the in-memory window, this throws (see <see cref="TryGetUtf8Json"/>).
    /// </summary>
    public ReadOnlyMemory<byte> Utf8Json => TryGetUtf8Json(out var json) ? json
        : throw new InvalidOperationException("The audit event has left the in-memory window before its JSON was read.");

    public bool TryGetUtf8Json(out ReadOnlyMemory<byte> json)
    {
        if (_json is null && _store is { } store)
        {
            if (store.CopyJson(_seq) is { } copy)
            {
                _json = copy;
            }
            _store = null;
        }
        json = _json ?? default;
        return _json is not null;
    }

    /// <summary>The CloudTrail event JSON; kept as UTF-8 and decoded only when someone reads it.</summary>
    public string Json => Encoding.UTF8.GetString(Utf8Json.Span);

    public const string KeyResourceType = "AWS::KMS::Key";

    /// <summary>
    /// CloudTrail's resource type for an event's resource ARN: KMS keys, and the S3 and EC2 resources of the other
    /// services' audited refusals.
    /// </summary>
    public static string ResourceTypeOf(string arn) => arn.Split(':', 6) switch
    {
        [_, _, "s3", _, _, var name] => name.Contains('/', StringComparison.Ordinal) ? "AWS::S3::Object" : "AWS::S3::Bucket",
        [_, _, "ec2", _, _, var name] when name.StartsWith("volume/", StringComparison.Ordinal) => "AWS::EC2::Volume",
        [_, _, "ec2", _, _, var name] when name.StartsWith("snapshot/", StringComparison.Ordinal) => "AWS::EC2::Snapshot",
        [_, _, "ec2", _, _, var name] when name.StartsWith("instance/", StringComparison.Ordinal) => "AWS::EC2::Instance",
        _ => KeyResourceType,
    };

    /// <summary>
    /// The name LookupEvents gives a resource (its ResourceName): a bucket's name, an EC2 volume's, snapshot's or
    /// instance's id, as CloudTrail's event history names them; a KMS key or alias by its ARN.
    /// </summary>
    public static string ResourceNameOf(string arn)
    {
        if (arn.StartsWith("arn:aws:s3:::", StringComparison.Ordinal))
        {
            return arn["arn:aws:s3:::".Length..];
        }
        if (arn.StartsWith("arn:aws:ec2:", StringComparison.Ordinal) && arn.LastIndexOf('/') is var slash and > 0)
        {
            return arn[(slash + 1)..];
        }
        return arn;
    }

    /// <summary>The same event: each read materializes its own copy, so equality is by id and content.</summary>
    public bool Equals(AuditEvent? other) => other is not null && (ReferenceEquals(this, other)
        || (EventId == other.EventId && EventTime == other.EventTime && Utf8Json.Span.SequenceEqual(other.Utf8Json.Span)));

    public override bool Equals(object? obj) => Equals(obj as AuditEvent);

    public override int GetHashCode() => EventId.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => $"AuditEvent {{ EventId = {EventId}, EventName = {EventName}, EventTime = {EventTime:O} }}";

    /// <summary>The account whose trail holds the event (CloudTrail recipientAccountId).</summary>
    public string? RecipientAccountId { get; init; }

    /// <summary>A data event (CloudTrail managementEvent false): kept and shown on the dashboard, not in LookupEvents.</summary>
    public bool DataEvent { get; init; }

    /// <summary>
    /// The caller's account sees its own calls; the owner of a key sees every call on it, allowed or refused, as AWS
    /// logs a cross-account KMS call in both trails (docs/security.md#cross-account).
    /// </summary>
    public bool IsVisibleTo(string accountId) => IsVisibleTo(RecipientAccountId, ResourceArns, accountId);

    internal static bool IsVisibleTo(string? recipientAccountId, IReadOnlyList<string> resourceArns, string accountId)
    {
        if (recipientAccountId == accountId)
        {
            return true;
        }
        foreach (var arn in resourceArns)
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

    /// <summary>
    /// The resources of an event without a <c>resources</c> member (AWS's EC2 events and the EBS direct APIs' management
    /// events have none): the volumes, snapshots
    /// and instances its requestParameters and responseElements name, as the event history derives them, so
    /// LookupEvents finds the event by their ids (ResourceName) and types. ARNs in the event's Region and recipient's account.
    /// </summary>
    private static string[] DerivedResources(JsonElement root)
    {
        if (!root.TryGetProperty("eventSource", out var source) || source.GetString() is not ("ec2.amazonaws.com" or "ebs.amazonaws.com"))
        {
            return [];
        }
        var region = root.TryGetProperty("awsRegion", out var rg) ? rg.GetString() : "";
        var account = root.TryGetProperty("recipientAccountId", out var ra) ? ra.GetString() : "";
        var arns = new List<string>();
        foreach (var member in new[] { "requestParameters", "responseElements" })
        {
            if (root.TryGetProperty(member, out var value))
            {
                CollectIds(value, region, account, arns);
            }
        }
        return [.. arns.Distinct(StringComparer.Ordinal)];
    }

    private static void CollectIds(JsonElement node, string? region, string? account, List<string> arns)
    {
        switch (node.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in node.EnumerateObject())
                {
                    CollectIds(property.Value, region, account, arns);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in node.EnumerateArray())
                {
                    CollectIds(item, region, account, arns);
                }
                break;
            case JsonValueKind.String:
                var id = node.GetString()!;
                if (IsId(id, "vol"))
                {
                    arns.Add($"arn:aws:ec2:{region}:{account}:volume/{id}");
                }
                else if (IsId(id, "snap"))
                {
                    // Snapshot ARNs carry no account, as in EC2.
                    arns.Add($"arn:aws:ec2:{region}::snapshot/{id}");
                }
                else if (IsId(id, "i"))
                {
                    arns.Add($"arn:aws:ec2:{region}:{account}:instance/{id}");
                }
                break;
        }
    }

    private static bool IsId(string id, string prefix) =>
        id.Length > prefix.Length + 1 && id.StartsWith(prefix + "-", StringComparison.Ordinal)
        && id.AsSpan(prefix.Length + 1).IndexOfAnyExcept("0123456789abcdef") < 0;

    public static AuditEvent Parse(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var identity = root.GetProperty("userIdentity");
        var arns = root.TryGetProperty("resources", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Select(x => x.GetProperty("ARN").GetString()!).ToArray()
            : DerivedResources(root);
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
            DataEvent = root.TryGetProperty("managementEvent", out var me) && me.ValueKind == JsonValueKind.False,
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
