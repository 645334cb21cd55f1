namespace SseSim.Server.S3;

/// <summary>GET /bucket?versioning: a bucket that never had versioning enabled answers an empty configuration.</summary>
internal static class GetBucketVersioning
{
    public static async Task HandleAsync(S3Call call)
    {
        await call.Store.HeadBucketAsync(call.Caller, call.BucketName, call.Aborted);
        await S3Xml.WriteAsync(call.Response, "VersioningConfiguration", _ => { });
    }
}
