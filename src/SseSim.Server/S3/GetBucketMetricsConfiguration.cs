namespace SseSim.Server.S3;

/// <summary>GET /bucket?metrics&amp;id=: no bucket holds metrics configurations here, so every id is unknown.</summary>
internal static class GetBucketMetricsConfiguration
{
    public static Task HandleAsync(S3Call call) => BucketWithoutConfiguration.NoSuchConfigurationAsync(call);
}
