using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>GET /bucket?object-lock: ObjectLockEnabled and the default retention rule; ObjectLockConfigurationNotFoundError (404) without Object Lock.</summary>
internal static class GetObjectLockConfiguration
{
    public static async Task HandleAsync(S3Call call)
    {
        var rule = await call.Store.GetObjectLockConfigurationAsync(call.Caller, call.BucketName, call.Aborted);
        await S3Xml.WriteAsync(call.Response, "ObjectLockConfiguration", w =>
        {
            w.WriteElementString("ObjectLockEnabled", "Enabled");
            if (rule is not null)
            {
                w.WriteStartElement("Rule");
                w.WriteStartElement("DefaultRetention");
                w.WriteElementString("Mode", rule.Mode);
                if (rule.Days is { } days)
                {
                    w.WriteElementString("Days", S3Xml.Int(days));
                }
                if (rule.Years is { } years)
                {
                    w.WriteElementString("Years", S3Xml.Int(years));
                }
                w.WriteEndElement();
                w.WriteEndElement();
            }
        });
    }
}
