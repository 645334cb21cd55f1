namespace SseSim.Server.S3;

/// <summary>DELETE /bucket?analytics&amp;id=: the id names no configuration.</summary>
internal static class DeleteBucketAnalyticsConfiguration
{
    public static Task HandleAsync(S3Call call) => BucketWithoutConfiguration.NoSuchConfigurationAsync(call);
}
