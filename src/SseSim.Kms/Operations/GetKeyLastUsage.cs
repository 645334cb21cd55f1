using System.Text.Json;

namespace SseSim.Kms.Operations;

public sealed record GetKeyLastUsageRequest : IValidatedRequest
{
    public string? KeyId { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
    }
}

/// <summary>The KeyLastUsageData shape.</summary>
public sealed record KeyLastUsage(string Operation, DateTimeOffset Timestamp, string CloudTrailEventId, string? KmsRequestId);

public sealed record GetKeyLastUsageResponse(string KeyId, KeyLastUsage? KeyLastUsage, DateTimeOffset TrackingStartDate, DateTimeOffset KeyCreationDate);

/// <summary>
/// Read from the audit trail, which records every call: the newest successful cryptographic event on the key. Tracking
/// starts when the key was created or, once the retained window (the newest 200,000 events) has dropped older events,
/// at the oldest event still retained, whichever is later.
/// </summary>
public static class GetKeyLastUsage
{
    public static async ValueTask<GetKeyLastUsageResponse> ExecuteAsync(KmsCall call, GetKeyLastUsageRequest request)
    {
        var key = await call.UseKeyAsync(request.KeyId!, KeyIdForms.KeyOnly, KeyStateRules.Rule.Always);
        // Read-only events reach the trail in batches; a use made just before this call must count.
        await call.Kms.Audit.FlushAsync();
        var (last, windowStart) = call.Kms.Audit.LastSuccess(key.Arn, ModelEnums.KeyLastUsageTrackingOperation);
        var tracking = windowStart is { } start && start > key.CreationDate ? start : key.CreationDate;
        var usage = last is null ? null : new KeyLastUsage(last.EventName, last.EventTime, last.EventId, RequestId(last));
        return new GetKeyLastUsageResponse(key.Arn, usage, tracking, key.CreationDate);
    }

    private static string? RequestId(Audit.AuditEvent e)
    {
        using var json = JsonDocument.Parse(e.Utf8Json);
        return json.RootElement.TryGetProperty("requestID", out var id) ? id.GetString() : null;
    }
}
