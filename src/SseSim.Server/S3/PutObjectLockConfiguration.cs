using System.Globalization;
using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>
/// PUT /bucket?object-lock with &lt;ObjectLockConfiguration&gt;: ObjectLockEnabled must be Enabled; an optional
/// Rule/DefaultRetention sets the default retention (Mode and exactly one of Days or Years), none removes it.
/// </summary>
internal static class PutObjectLockConfiguration
{
    public static async Task HandleAsync(S3Call call)
    {
        var body = await S3Xml.ReadAsync(call, integrityRequired: true);
        if (body is null || body.Name.LocalName != "ObjectLockConfiguration"
            || body.Elements().Any(e => e.Name.LocalName is not ("ObjectLockEnabled" or "Rule"))
            || S3ObjectLock.Required(body, "ObjectLockEnabled") != "Enabled")
        {
            throw S3Errors.MalformedXml();
        }
        ObjectLockRule? rule = null;
        if (body.Child("Rule") is { } ruleElement)
        {
            var retention = ruleElement.Child("DefaultRetention");
            if (retention is null || ruleElement.Elements().Count() != 1
                || retention.Elements().Any(e => e.Name.LocalName is not ("Mode" or "Days" or "Years")))
            {
                throw S3Errors.MalformedXml();
            }
            rule = new ObjectLockRule(S3ObjectLock.Required(retention, "Mode"), Period(retention, "Days"), Period(retention, "Years"));
        }
        await call.Store.PutObjectLockConfigurationAsync(call.Caller, call.BucketName, rule, call.Aborted);
        call.Response.StatusCode = 200;
    }

    private static int? Period(System.Xml.Linq.XElement retention, string name) => retention.ChildValue(name)?.Trim() is not { } text ? null
        : int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n
        : throw S3Errors.MalformedXml();
}
