using System.Buffers;
using System.Text.Json;
using SseSim.Core.Aws;

namespace SseSim.Kms.Audit;

/// <summary>
/// Pieces of the CloudTrail event that repeat from call to call (the caller's userIdentity, a key's resources entry,
/// the invokedBy service name), encoded once and written as raw JSON: the same bytes the writer would produce, without
/// escaping and transcoding the same strings for every event. Only the audit writer thread uses it; the caches are
/// bounded and simply start over when full.
/// </summary>
internal sealed class EventFragments(JsonWriterOptions options)
{
    private const int MaxEntries = 4096;

    private readonly Dictionary<(string AccessKeyId, string AccountId, string UserName, string? InvokedBy), byte[]> _identities = [];
    private readonly Dictionary<(string Arn, string AccountId), byte[]> _resources = [];
    private readonly Dictionary<string, string> _invokedBy = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _scratch = new(512);

    /// <summary>"s3.amazonaws.com" for kms:ViaService "s3.us-east-1.amazonaws.com" (CloudTrail invokedBy).</summary>
    public static string InvokedBy(string viaService) => viaService.Split('.')[0] + ".amazonaws.com";

    public string CachedInvokedBy(string viaService)
    {
        if (!_invokedBy.TryGetValue(viaService, out var via))
        {
            Bound(_invokedBy);
            _invokedBy[viaService] = via = InvokedBy(viaService);
        }
        return via;
    }

    public void WriteUserIdentity(Utf8JsonWriter w, Identity identity, string? invokedBy)
    {
        var key = (identity.AccessKeyId, identity.AccountId, identity.UserName, invokedBy);
        if (!_identities.TryGetValue(key, out var json))
        {
            Bound(_identities);
            _identities[key] = json = Encode(x => Core.Audit.AuditRecord.WriteUserIdentityValue(x, identity, invokedBy));
        }
        w.WritePropertyName(Core.Audit.AuditRecord.UserIdentityProperty);
        w.WriteRawValue(json, skipInputValidation: true);
    }

    public void WriteResource(Utf8JsonWriter w, string arn, string accountId)
    {
        if (!_resources.TryGetValue((arn, accountId), out var json))
        {
            Bound(_resources);
            _resources[(arn, accountId)] = json = Encode(x => WriteKeyResource(x, arn, accountId));
        }
        w.WriteRawValue(json, skipInputValidation: true);
    }

    /// <summary>eventSource, eventName, awsRegion, sourceIPAddress and userAgent, in the event's order.</summary>
    public static void WriteCallerRun(Utf8JsonWriter w, string eventName, string region, string sourceIp, string userAgent)
    {
        w.WriteString("eventSource"u8, "kms.amazonaws.com"u8);
        w.WriteString("eventName"u8, eventName);
        w.WriteString("awsRegion"u8, region);
        w.WriteString("sourceIPAddress"u8, sourceIp);
        w.WriteString("userAgent"u8, userAgent);
    }

    /// <summary>The event's properties after its resources, up to (not including) its closing brace.</summary>
    public static void WriteTail(Utf8JsonWriter w, string accountId)
    {
        w.WriteString("eventType"u8, "AwsApiCall"u8);
        w.WriteBoolean("managementEvent"u8, true);
        w.WriteString("recipientAccountId"u8, accountId);
        w.WriteString("eventCategory"u8, "Management"u8);
    }

    /// <summary>
    /// <see cref="WriteCallerRun(Utf8JsonWriter, string, string, string, string)"/> from cache, spliced into
    /// <paramref name="target"/> (the writer's own output) after the writer's pending bytes: the writer has just
    /// written a property value, so the run starts with a comma and the writer goes on as if it had written it.
    /// </summary>
    public void WriteCallerRun(Utf8JsonWriter w, IBufferWriter<byte> target, string eventName, string region, string sourceIp, string userAgent)
    {
        var last = _lastCaller;
        if (last is null || !string.Equals(last.EventName, eventName, StringComparison.Ordinal) || !string.Equals(last.Region, region, StringComparison.Ordinal)
            || !string.Equals(last.SourceIp, sourceIp, StringComparison.Ordinal) || !string.Equals(last.UserAgent, userAgent, StringComparison.Ordinal))
        {
            var key = (eventName, region, sourceIp, userAgent);
            if (!_callerRuns.TryGetValue(key, out last))
            {
                Bound(_callerRuns);
                _callerRuns[key] = last = new CallerRun(eventName, region, sourceIp, userAgent, EncodeRun(x => WriteCallerRun(x, eventName, region, sourceIp, userAgent)));
            }
            _lastCaller = last;
        }
        Splice(w, target, last.Json);
    }

    /// <summary><see cref="WriteTail(Utf8JsonWriter, string)"/> from cache, spliced as above.</summary>
    public void WriteTail(Utf8JsonWriter w, IBufferWriter<byte> target, string accountId)
    {
        var last = _lastTail;
        if (last is null || !string.Equals(last.Value.AccountId, accountId, StringComparison.Ordinal))
        {
            if (!_tails.TryGetValue(accountId, out var json))
            {
                Bound(_tails);
                _tails[accountId] = json = EncodeRun(x => WriteTail(x, accountId));
            }
            _lastTail = last = (accountId, json);
        }
        Splice(w, target, last.Value.Json);
    }

    private sealed record CallerRun(string EventName, string Region, string SourceIp, string UserAgent, byte[] Json);

    private CallerRun? _lastCaller;
    private (string AccountId, byte[] Json)? _lastTail;
    private readonly Dictionary<(string, string, string, string), CallerRun> _callerRuns = [];
    private readonly Dictionary<string, byte[]> _tails = new(StringComparer.Ordinal);

    private static void Splice(Utf8JsonWriter w, IBufferWriter<byte> target, byte[] run)
    {
        w.Flush();
        run.CopyTo(target.GetSpan(run.Length));
        target.Advance(run.Length);
    }

    /// <summary>Properties as the writer writes them after a value: a leading comma, no braces.</summary>
    private byte[] EncodeRun(Action<Utf8JsonWriter> write)
    {
        var inObject = Encode(x =>
        {
            x.WriteStartObject();
            x.WriteString("_"u8, ""u8);
            write(x);
            x.WriteEndObject();
        });
        // {"_":"" ... } → ... (which starts with the comma the writer would put before the next property)
        return inObject.AsSpan(7, inObject.Length - 8).ToArray();
    }

    /// <summary>One entry of the event's resources array for a KMS key.</summary>
    public static void WriteKeyResource(Utf8JsonWriter w, string arn, string accountId)
    {
        w.WriteStartObject();
        w.WriteString("accountId"u8, accountId);
        w.WriteString("type"u8, AuditEvent.KeyResourceType);
        w.WriteString("ARN"u8, arn);
        w.WriteEndObject();
    }

    private byte[] Encode(Action<Utf8JsonWriter> write)
    {
        _scratch.ResetWrittenCount();
        using (var x = new Utf8JsonWriter(_scratch, options))
        {
            write(x);
        }
        return _scratch.WrittenSpan.ToArray();
    }

    private static void Bound<TKey, TValue>(Dictionary<TKey, TValue> cache)
        where TKey : notnull
    {
        if (cache.Count >= MaxEntries)
        {
            cache.Clear();
        }
    }
}
