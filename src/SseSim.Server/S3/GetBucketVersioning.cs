namespace SseSim.Server.S3;

/// <summary>GET /bucket?versioning: empty for a bucket that never had versioning, else Status Enabled or Suspended.</summary>
internal static class GetBucketVersioning
{
    public static async Task HandleAsync(S3Call call)
    {
        var status = await call.Store.GetBucketVersioningAsync(call.Caller, call.BucketName, call.Aborted);
        await S3Xml.WriteAsync(call.Response, "VersioningConfiguration", w =>
        {
            if (status is not null)
            {
                w.WriteElementString("Status", status);
            }
        });
    }
}
