using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>
/// PUT /bucket/key?retention[&amp;versionId] with &lt;Retention&gt;&lt;Mode/&gt;&lt;RetainUntilDate/&gt;: sets, extends or (with
/// x-amz-bypass-governance-retention for GOVERNANCE) shortens or removes the version's retention. An empty Retention removes it.
/// </summary>
internal static class PutObjectRetention
{
    public static async Task HandleAsync(S3Call call)
    {
        var versionId = VersionIds.Query(call);
        var body = await S3Xml.ReadAsync(call, integrityRequired: true);
        if (body is null || body.Name.LocalName != "Retention" || body.Elements().Any(e => e.Name.LocalName is not ("Mode" or "RetainUntilDate")))
        {
            throw S3Errors.MalformedXml();
        }
        var mode = body.ChildValue("Mode")?.Trim();
        var date = body.ChildValue("RetainUntilDate")?.Trim();
        ObjectRetention? retention = null;
        if (mode is not null || date is not null)
        {
            if (mode is not (ObjectStore.Governance or ObjectStore.Compliance) || date is null)
            {
                throw S3Errors.MalformedXml();
            }
            retention = new ObjectRetention(mode, S3ObjectLock.ParseDate(date) ?? throw S3Errors.MalformedXml());
        }
        await call.Store.PutObjectRetentionAsync(call.Caller, call.BucketName, call.ObjectKey, versionId, retention, S3ObjectLock.Bypass(call), call.Aborted);
        call.Response.StatusCode = 200;
    }
}
