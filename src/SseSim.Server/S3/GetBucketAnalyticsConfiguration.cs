namespace SseSim.Server.S3;

/// <summary>GET /bucket?analytics&amp;id=: no bucket holds analytics configurations here, so every id is unknown.</summary>
internal static class GetBucketAnalyticsConfiguration
{
    public static Task HandleAsync(S3Call call) => BucketWithoutConfiguration.NoSuchConfigurationAsync(call);
}
