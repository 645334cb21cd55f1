namespace SseSim.Server.S3;

/// <summary>GET /bucket?website: no bucket is a website here.</summary>
internal static class GetBucketWebsite
{
    public static Task HandleAsync(S3Call call) =>
        BucketWithoutConfiguration.NotFoundAsync(call, "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration");
}
