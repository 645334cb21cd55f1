using System.Globalization;
using System.Xml.Linq;
using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>Object Lock's request and response headers and XML values, shared by the object operations.</summary>
internal static class S3ObjectLock
{
    /// <summary>
    /// x-amz-object-lock-mode, -retain-until-date and -legal-hold of PutObject, CopyObject and CreateMultipartUpload;
    /// null when the request has none of them.
    /// </summary>
    public static ObjectLockHeaders? FromHeaders(S3Call call)
    {
        var mode = call.Header("x-amz-object-lock-mode")?.Trim();
        var date = call.Header("x-amz-object-lock-retain-until-date")?.Trim();
        var hold = call.Header("x-amz-object-lock-legal-hold")?.Trim();
        if (mode is null && date is null && hold is null)
        {
            return null;
        }
        if ((mode is null) != (date is null))
        {
            throw S3Errors.InvalidArgument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied");
        }
        if (mode is not (null or ObjectStore.Governance or ObjectStore.Compliance))
        {
            throw S3Errors.InvalidArgument("Unknown wormMode directive.", "x-amz-object-lock-mode", mode);
        }
        if (hold is not (null or "ON" or "OFF"))
        {
            throw S3Errors.InvalidArgument("Legal Hold must be either of 'ON' or 'OFF'", "x-amz-object-lock-legal-hold", hold);
        }
        ObjectRetention? retention = null;
        if (mode is not null)
        {
            var until = ParseDate(date!) ?? throw S3Errors.InvalidArgument("The retain until date must be provided in ISO 8601 format", "x-amz-object-lock-retain-until-date", date);
            retention = new ObjectRetention(mode, until);
        }
        return new ObjectLockHeaders(retention, hold is null ? null : hold == "ON");
    }

    /// <summary>
    /// x-amz-bypass-governance-retention: true, when the bucket policy does not deny s3:BypassGovernanceRetention (the
    /// simulated owner otherwise holds every permission, so it may bypass).
    /// </summary>
    public static bool Bypass(S3Call call) =>
        string.Equals(call.Header("x-amz-bypass-governance-retention")?.Trim(), "true", StringComparison.OrdinalIgnoreCase)
        && !S3Endpoint.Denies(call, "s3:BypassGovernanceRetention", call.Header);

    /// <summary>
    /// <see cref="Bypass"/> for DeleteObject and DeleteObjects, where AWS refuses the header (even "false") on a bucket
    /// without Object Lock with 400 InvalidArgument.
    /// </summary>
    public static async Task<bool> DeleteBypassAsync(S3Call call)
    {
        if (call.Header("x-amz-bypass-governance-retention") is null)
        {
            return false;
        }
        try
        {
            await call.Store.GetObjectLockConfigurationAsync(call.Caller, call.BucketName, call.Aborted);
        }
        catch (S3Exception e) when (e.Code == "ObjectLockConfigurationNotFoundError")
        {
            throw S3Errors.InvalidArgument("x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.", "x-amz-bypass-governance-retention");
        }
        return Bypass(call);
    }

    /// <summary>
    /// HEAD and GET: the version's retention and legal hold, each only for a caller allowed to read it
    /// (s3:GetObjectRetention, s3:GetObjectLegalHold), as S3 documents.
    /// </summary>
    public static void WriteHeaders(S3Call call, ObjectInfo info)
    {
        var response = call.Response;
        if (info.Retention is { } retention && !S3Endpoint.Denies(call, "s3:GetObjectRetention", call.Header))
        {
            response.Headers["x-amz-object-lock-mode"] = retention.Mode;
            response.Headers["x-amz-object-lock-retain-until-date"] = S3Xml.Timestamp(retention.RetainUntilDate);
        }
        if (info.LegalHold is { } hold && !S3Endpoint.Denies(call, "s3:GetObjectLegalHold", call.Header))
        {
            response.Headers["x-amz-object-lock-legal-hold"] = hold ? "ON" : "OFF";
        }
    }

    /// <summary>An ISO 8601 timestamp (with a zone designator, or taken as UTC).</summary>
    public static DateTimeOffset? ParseDate(string value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) && value.Contains('T', StringComparison.Ordinal)
            ? t
            : null;

    /// <summary>A required child element's trimmed text; MalformedXML when it is missing.</summary>
    public static string Required(XElement parent, string name) => parent.ChildValue(name)?.Trim() ?? throw S3Errors.MalformedXml();
}
