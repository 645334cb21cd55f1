namespace SseSim.Server.S3;

/// <summary>DELETE /bucket?inventory&amp;id=: the id names no configuration.</summary>
internal static class DeleteBucketInventoryConfiguration
{
    public static Task HandleAsync(S3Call call) => BucketWithoutConfiguration.NoSuchConfigurationAsync(call);
}
