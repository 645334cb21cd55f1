namespace SseSim.Server.S3;

/// <summary>GET /bucket?cors: no bucket has a CORS configuration here.</summary>
internal static class GetBucketCors
{
    public static Task HandleAsync(S3Call call) =>
        BucketWithoutConfiguration.NotFoundAsync(call, "NoSuchCORSConfiguration", "The CORS configuration does not exist");
}
