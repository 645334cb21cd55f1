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
