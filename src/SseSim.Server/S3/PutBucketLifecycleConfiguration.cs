using System.Globalization;
using System.Xml.Linq;
using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>
/// PUT /bucket?lifecycle with &lt;LifecycleConfiguration&gt; → 200: validated as S3 does and stored; SseSim expires and
/// transitions nothing (a deliberate divergence, README). Content-MD5 or a checksum is required, as on AWS.
/// </summary>
internal static class PutBucketLifecycleConfiguration
{
    public const string MinimumObjectSizeHeader = "x-amz-transition-default-minimum-object-size";

    /// <summary>S3's value when a put names none (and for rules stored without one).</summary>
    public const string DefaultMinimumObjectSize = "all_storage_classes_128K";
    private static readonly string[] RuleMembers =
        ["ID", "Prefix", "Filter", "Status", "Transition", "Expiration", "NoncurrentVersionTransition", "NoncurrentVersionExpiration", "AbortIncompleteMultipartUpload"];
    private static readonly string[] Actions = ["Transition", "Expiration", "NoncurrentVersionTransition", "NoncurrentVersionExpiration", "AbortIncompleteMultipartUpload"];
    private static readonly string[] FilterMembers = ["Prefix", "Tag", "And", "ObjectSizeGreaterThan", "ObjectSizeLessThan"];
    private static readonly string[] StorageClasses = ["GLACIER", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "DEEP_ARCHIVE", "GLACIER_IR"];

    public static async Task HandleAsync(S3Call call)
    {
        var minimumSize = call.Header(MinimumObjectSizeHeader)?.Trim() ?? DefaultMinimumObjectSize;
        if (minimumSize is not (DefaultMinimumObjectSize or "varies_by_storage_class"))
        {
            throw S3Errors.InvalidArgument("Invalid value for x-amz-transition-default-minimum-object-size header.", MinimumObjectSizeHeader, minimumSize);
        }
        var body = await S3Xml.ReadAsync(call, integrityRequired: true);
        Validate(body);
        NameUnnamedRules(body!);
        await call.Store.PutBucketLifecycleAsync(call.Caller, call.BucketName, S3Xml.Canonical(body!), minimumSize, call.Aborted);
        call.Response.Headers[MinimumObjectSizeHeader] = minimumSize;
        call.Response.StatusCode = 200;
    }

    /// <summary>
    /// A rule put without an ID is stored with one, as S3 assigns a random ID that GetBucketLifecycleConfiguration then
    /// answers (ceph/s3-tests' test_lifecycle_get_no_id passes against AWS; MinIO maintainers on minio#10084: "AWS does
    /// not require ID field.. but it generates a random one"). The shape of AWS's ids is not recorded; this one is the
    /// base64 of a random UUID.
    /// </summary>
    private static void NameUnnamedRules(XElement body)
    {
        foreach (var rule in body.Elements().Where(r => r.Child("ID") is null))
        {
            rule.AddFirst(new XElement(rule.Name.Namespace + "ID", Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(Guid.NewGuid().ToString()))));
        }
    }

    public static void Validate(XElement? body)
    {
        if (body is null || body.Name.LocalName != "LifecycleConfiguration" || !body.HasElements || body.Elements().Any(e => e.Name.LocalName != "Rule"))
        {
            throw S3Errors.MalformedXml();
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in body.Elements())
        {
            if (rule.Elements().Any(e => !RuleMembers.Contains(e.Name.LocalName))
                || rule.ChildValue("Status")?.Trim() is not ("Enabled" or "Disabled")
                || (rule.Child("Prefix") is null) == (rule.Child("Filter") is null))
            {
                // A rule names its objects by exactly one of Filter and the older rule-level Prefix.
                throw S3Errors.MalformedXml();
            }
            if (rule.ChildValue("ID") is { } id)
            {
                if (id.Length > 255)
                {
                    throw S3Errors.InvalidArgument("ID length should not exceed allowed limit of 255", "ID", id);
                }
                if (!ids.Add(id))
                {
                    throw S3Errors.InvalidArgument("Rule ID must be unique. Found same ID for more than one rule", "ID", id);
                }
            }
            var tagged = false;
            if (rule.Child("Filter") is { } filter)
            {
                if (filter.Elements().Count() > 1 || filter.Elements().Any(e => !FilterMembers.Contains(e.Name.LocalName)))
                {
                    throw S3Errors.MalformedXml();
                }
                tagged = filter.Child("Tag") is not null || filter.Child("And")?.Child("Tag") is not null;
                if (filter.Child("And")?.Children("Tag").Select(t => t.ChildValue("Key")).GroupBy(k => k, StringComparer.Ordinal).Any(g => g.Count() > 1) == true)
                {
                    throw S3Errors.Error(S3ErrorCode.InvalidRequest, "Duplicate Tag Keys are not allowed.", 400);
                }
            }
            if (!rule.Elements().Any(e => Actions.Contains(e.Name.LocalName)))
            {
                throw S3Errors.Error(S3ErrorCode.InvalidRequest, "At least one action needs to be specified in a rule", 400);
            }
            if (rule.Child("Expiration") is { } expiration)
            {
                ValidateExpiration(expiration);
            }
            foreach (var transition in rule.Children("Transition"))
            {
                ValidateTransition(transition, "Days");
            }
            foreach (var transition in rule.Children("NoncurrentVersionTransition"))
            {
                ValidateTransition(transition, "NoncurrentDays");
            }
            if (rule.Child("NoncurrentVersionExpiration") is { } noncurrent && PositiveOrNull(noncurrent, "NoncurrentDays") is null)
            {
                throw S3Errors.MalformedXml();
            }
            if (rule.Child("AbortIncompleteMultipartUpload") is { } abort)
            {
                if (PositiveOrNull(abort, "DaysAfterInitiation") is null)
                {
                    throw S3Errors.MalformedXml();
                }
                if (tagged)
                {
                    throw S3Errors.InvalidArgument("AbortIncompleteMultipartUpload cannot be specified with Tags.");
                }
            }
        }
    }

    private static void ValidateExpiration(XElement expiration)
    {
        var given = new[] { "Days", "Date", "ExpiredObjectDeleteMarker" }.Count(n => expiration.Child(n) is not null);
        if (given != 1)
        {
            throw S3Errors.MalformedXml();
        }
        if (expiration.Child("Days") is not null && PositiveOrNull(expiration, "Days", "'Days' for Expiration action must be a positive integer") is null)
        {
            throw S3Errors.MalformedXml();
        }
        ValidateMidnightDate(expiration);
        if (expiration.ChildValue("ExpiredObjectDeleteMarker")?.Trim() is { } marker && marker is not ("true" or "false"))
        {
            throw S3Errors.MalformedXml();
        }
    }

    /// <summary>Expiration and Transition dates are ISO 8601 at midnight UTC, as S3 requires of both.</summary>
    private static void ValidateMidnightDate(XElement action)
    {
        if (action.ChildValue("Date") is { } date)
        {
            if (!DateTimeOffset.TryParse(date.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            {
                throw S3Errors.MalformedXml();
            }
            if (when.UtcDateTime.TimeOfDay != TimeSpan.Zero)
            {
                throw S3Errors.InvalidArgument("'Date' must be at midnight GMT", "Date", date.Trim());
            }
        }
    }

    private static void ValidateTransition(XElement transition, string daysName)
    {
        ValidateMidnightDate(transition);
        var storageClass = transition.ChildValue("StorageClass")?.Trim();
        if (storageClass is null || !StorageClasses.Contains(storageClass))
        {
            throw S3Errors.MalformedXml();
        }
        if (transition.ChildValue(daysName) is { } text)
        {
            if (!int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var days) || days < 0)
            {
                throw S3Errors.MalformedXml();
            }
            if (storageClass is "STANDARD_IA" or "ONEZONE_IA" && days < 30)
            {
                throw S3Errors.InvalidArgument($"'{daysName}' in {transition.Name.LocalName} action must be greater than or equal to 30 for storageClass '{storageClass}'");
            }
        }
    }

    /// <summary>The positive integer child, null when absent; zero or negative is InvalidArgument (<paramref name="message"/>), non-numeric MalformedXML.</summary>
    private static int? PositiveOrNull(XElement parent, string name, string? message = null)
    {
        if (parent.ChildValue(name) is not { } text)
        {
            return null;
        }
        if (!int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw S3Errors.MalformedXml();
        }
        return value > 0 ? value
            : throw S3Errors.InvalidArgument(message ?? $"'{name}' for {parent.Name.LocalName} action must be a positive integer", name, text.Trim());
    }
}
