using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SseSim.Core.Aws;

namespace SseSim.Core.Audit;

/// <summary>A resource named by an audit event (CloudTrail <c>resources[]</c>).</summary>
public sealed record AuditResource(string Type, string Arn, string? AccountId = null);

/// <summary>
/// A call of a service other than KMS (S3, EC2, the EBS direct APIs), in CloudTrail's terms: a management event, or a
/// refused data event (docs/security.md#cross-account). The KMS audit trail stores these beside its own events, so
/// <c>LookupEvents</c> (management events only, as CloudTrail's event history) and the dashboard show them.
/// <see cref="ErrorCode"/> is null for a call that succeeded.
/// </summary>
public sealed record AuditRecord(
    string EventSource,
    string EventName,
    Caller Caller,
    string? ErrorCode,
    string? ErrorMessage,
    IReadOnlyDictionary<string, string> RequestParameters,
    IReadOnlyList<AuditResource> Resources,
    bool ReadOnly,
    bool DataEvent)
{
    /// <summary>The account whose trail receives this copy; AWS delivers a cross-account call to both accounts.</summary>
    public string RecipientAccountId { get; init; } = Caller.AccountId;

    /// <summary>Links the copies of one call delivered to different accounts (CloudTrail sharedEventID).</summary>
    public string? SharedEventId { get; init; }

    /// <summary>requestParameters with nested members (EC2's item sets); replaces <see cref="RequestParameters"/> when set.</summary>
    public JsonObject? RequestObject { get; init; }

    /// <summary>CloudTrail responseElements; null is written as null (read-only calls, failures).</summary>
    public JsonObject? ResponseElements { get; init; }

    /// <summary>CloudTrail additionalEventData (S3's SignatureVersion, AuthenticationMethod, byte counts...); left out when null.</summary>
    public JsonObject? AdditionalEventData { get; init; }

    /// <summary>The request ID the caller was answered with; a fresh one when null.</summary>
    public string? RequestId { get; init; }

    /// <summary>
    /// Work left to the audit writer, off the request's path: it gets this record (without this member) and returns
    /// the complete one, e.g. with requestParameters, responseElements and resources read from the response.
    /// </summary>
    public Func<AuditRecord, AuditRecord>? Complete { get; init; }

    /// <summary>The record with <see cref="Complete"/> applied (the audit writer calls this).</summary>
    public AuditRecord Completed() => Complete is { } complete ? complete(this with { Complete = null }) : this;

    public byte[] ToCloudTrailJson(string eventId, DateTimeOffset time, string region)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            var identity = Caller.Identity;
            w.WriteStartObject();
            w.WriteString("eventVersion", "1.11");
            WriteUserIdentity(w, identity, invokedBy: null);
            w.WriteString("eventTime", EventTime(time));
            w.WriteString("eventSource", EventSource);
            w.WriteString("eventName", EventName);
            w.WriteString("awsRegion", region);
            w.WriteString("sourceIPAddress", Caller.SourceIp ?? "127.0.0.1");
            w.WriteString("userAgent", Caller.UserAgent ?? "");
            if (ErrorCode is not null)
            {
                w.WriteString("errorCode", ErrorCode);
                w.WriteString("errorMessage", ErrorMessage ?? "");
            }
            w.WritePropertyName("requestParameters");
            if (RequestObject is not null)
            {
                RequestObject.WriteTo(w);
            }
            else
            {
                w.WriteStartObject();
                foreach (var (name, value) in RequestParameters)
                {
                    w.WriteString(name, value);
                }
                w.WriteEndObject();
            }
            w.WritePropertyName("responseElements");
            if (ResponseElements is null)
            {
                w.WriteNullValue();
            }
            else
            {
                ResponseElements.WriteTo(w);
            }
            if (AdditionalEventData is not null)
            {
                w.WritePropertyName("additionalEventData");
                AdditionalEventData.WriteTo(w);
            }
            w.WriteString("requestID", RequestId ?? Guid.NewGuid().ToString());
            w.WriteString("eventID", eventId);
            w.WriteBoolean("readOnly", ReadOnly);
            // Left out when the call names none, as AWS's events do (S3's ListBuckets; every EC2 event).
            if (Resources.Count > 0)
            {
                WriteResources(w);
            }
            w.WriteString("eventType", "AwsApiCall");
            w.WriteBoolean("managementEvent", !DataEvent);
            w.WriteString("recipientAccountId", RecipientAccountId);
            if (SharedEventId is not null)
            {
                w.WriteString("sharedEventID", SharedEventId);
            }
            w.WriteString("eventCategory", DataEvent ? "Data" : "Management");
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private void WriteResources(Utf8JsonWriter w)
    {
        w.WriteStartArray("resources");
        foreach (var r in Resources)
        {
            w.WriteStartObject();
            if (r.AccountId is not null)
            {
                w.WriteString("accountId", r.AccountId);
            }
            w.WriteString("type", r.Type);
            w.WriteString("ARN", r.Arn);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>CloudTrail's eventTime: UTC to the second.</summary>
    public static string EventTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>CloudTrail's <c>userIdentity</c> object, shared by KMS events and other services' refusals.</summary>
    public static void WriteUserIdentity(Utf8JsonWriter w, Identity identity, string? invokedBy)
    {
        w.WritePropertyName(UserIdentityProperty);
        WriteUserIdentityValue(w, identity, invokedBy);
    }

    public static ReadOnlySpan<byte> UserIdentityProperty => "userIdentity"u8;

    /// <summary>The <c>userIdentity</c> object alone (the KMS trail writes it once per identity and reuses the bytes).</summary>
    public static void WriteUserIdentityValue(Utf8JsonWriter w, Identity identity, string? invokedBy)
    {
        w.WriteStartObject();
        w.WriteString("type", identity.UserName == "root" ? "Root" : "IAMUser");
        w.WriteString("principalId", identity.PrincipalId);
        w.WriteString("arn", identity.Arn);
        w.WriteString("accountId", identity.AccountId);
        w.WriteString("accessKeyId", identity.AccessKeyId);
        w.WriteString("userName", identity.UserName);
        if (invokedBy is not null)
        {
            w.WriteString("invokedBy", invokedBy);
        }
        w.WriteEndObject();
    }
}

/// <summary>Where services other than KMS send their calls to be audited.</summary>
public interface IAuditSink
{
    /// <summary>
    /// Queues the event and returns at once (the JSON is built, and <see cref="AuditRecord.Complete"/> runs, on the audit
    /// writer); it is durable soon after, and visible to a lookup that follows.
    /// </summary>
    void Record(AuditRecord record);

    /// <summary>
    /// Records the call in the caller's trail and a copy in <paramref name="ownerAccountId"/>'s, both with one
    /// sharedEventID, as CloudTrail delivers a cross-account call to both accounts. For resources whose ARN names no
    /// account (buckets, snapshots), so the owner would not otherwise see it.
    /// </summary>
    void RecordShared(AuditRecord record, string ownerAccountId)
    {
        var shared = record with { SharedEventId = Guid.NewGuid().ToString() };
        Record(shared);
        Record(shared with { RecipientAccountId = ownerAccountId });
    }
}
