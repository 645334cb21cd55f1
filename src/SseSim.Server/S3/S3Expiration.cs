using System.Globalization;
using System.Xml.Linq;

namespace SseSim.Server.S3;

/// <summary>
/// The x-amz-expiration header S3 answers on PUT, GET and HEAD of an object an enabled lifecycle Expiration rule
/// applies to: <c>expiry-date="…", rule-id="…"</c> (rule id URL-encoded), the earliest when several apply. SseSim
/// expires nothing (README), but reports the date S3 would: Days are added to the object's creation time and rounded
/// up to the next midnight UTC (S3 User Guide, "Lifecycle configuration elements"); a Date is taken as given. Rules
/// filtered by tags are left out, as S3 leaves them out of this header (ceph/s3-tests
/// test_lifecycle_expiration_header_tags_head fails against AWS while _header_put, _header_head and
/// _header_and_tags_head pass, nspcc-dev's compatibility table).
/// </summary>
internal static class S3Expiration
{
    public static void Write(S3Call call, string key, long? size, DateTimeOffset created)
    {
        if (call.Store.FindBucketLifecycle(call.Caller, call.BucketName) is not { } document)
        {
            return;
        }
        (DateTimeOffset Date, string Id)? earliest = null;
        foreach (var rule in XElement.Parse(document).Elements())
        {
            if (rule.ChildValue("Status") != "Enabled" || rule.Child("Expiration") is not { } expiration || !Applies(rule, key, size)
                || ExpiryDate(expiration, created) is not { } date)
            {
                continue;
            }
            if (earliest is null || date < earliest.Value.Date)
            {
                earliest = (date, rule.ChildValue("ID") ?? "");
            }
        }
        if (earliest is { } e)
        {
            call.Response.Headers["x-amz-expiration"] = $"expiry-date=\"{S3Xml.HttpDate(e.Date)}\", rule-id=\"{Uri.EscapeDataString(e.Id)}\"";
        }
    }

    private static DateTimeOffset? ExpiryDate(XElement expiration, DateTimeOffset created)
    {
        if (expiration.ChildValue("Days") is { } days && int.TryParse(days.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return new DateTimeOffset(created.UtcDateTime.Date, TimeSpan.Zero).AddDays(n + 1);
        }
        return expiration.ChildValue("Date") is { } date
            && DateTimeOffset.TryParse(date.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;
    }

    /// <summary>The rule's Prefix and size bounds match; a rule filtered by tags never answers this header.</summary>
    private static bool Applies(XElement rule, string key, long? size)
    {
        var filter = rule.Child("Filter");
        var conditions = filter?.Child("And") ?? filter;
        if (conditions?.Child("Tag") is not null || conditions?.Child("Tags") is not null)
        {
            return false;
        }
        var prefix = rule.ChildValue("Prefix") ?? conditions?.ChildValue("Prefix") ?? "";
        if (!key.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var greater = conditions?.ChildValue("ObjectSizeGreaterThan");
        var less = conditions?.ChildValue("ObjectSizeLessThan");
        if (greater is null && less is null)
        {
            return true;
        }
        return size is { } s
            && (greater is null || s > long.Parse(greater.Trim(), CultureInfo.InvariantCulture))
            && (less is null || s < long.Parse(less.Trim(), CultureInfo.InvariantCulture));
    }
}
