namespace SseSim.Server.S3;

/// <summary>DELETE /bucket?metrics&amp;id=: the id names no configuration.</summary>
internal static class DeleteBucketMetricsConfiguration
{
    public static Task HandleAsync(S3Call call) => BucketWithoutConfiguration.NoSuchConfigurationAsync(call);
}
