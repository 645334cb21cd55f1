namespace SseSim.Server.S3;

/// <summary>GET /bucket/key?retention[&amp;versionId]: the version's Mode and RetainUntilDate; NoSuchObjectLockConfiguration (404) without one.</summary>
internal static class GetObjectRetention
{
    public static async Task HandleAsync(S3Call call)
    {
        var retention = await call.Store.GetObjectRetentionAsync(call.Caller, call.BucketName, call.ObjectKey, VersionIds.Query(call), call.Aborted);
        await S3Xml.WriteAsync(call.Response, "Retention", w =>
        {
            w.WriteElementString("Mode", retention.Mode);
            w.WriteElementString("RetainUntilDate", S3Xml.Timestamp(retention.RetainUntilDate));
        });
    }
}
