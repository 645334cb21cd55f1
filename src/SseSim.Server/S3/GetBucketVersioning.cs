namespace SseSim.Server.S3;

/// <summary>GET /bucket?versioning: empty for a bucket that never had versioning, Status Suspended once suspended.</summary>
internal static class GetBucketVersioning
{
    public static async Task HandleAsync(S3Call call)
    {
        var suspended = await call.Store.IsBucketVersioningSuspendedAsync(call.Caller, call.BucketName, call.Aborted);
        await S3Xml.WriteAsync(call.Response, "VersioningConfiguration", w =>
        {
            if (suspended)
            {
                w.WriteElementString("Status", "Suspended");
            }
        });
    }
}
