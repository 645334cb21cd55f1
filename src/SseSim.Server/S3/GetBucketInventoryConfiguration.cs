namespace SseSim.Server.S3;

/// <summary>GET /bucket?inventory&amp;id=: no bucket holds inventory configurations here, so every id is unknown.</summary>
internal static class GetBucketInventoryConfiguration
{
    public static Task HandleAsync(S3Call call) => BucketWithoutConfiguration.NoSuchConfigurationAsync(call);
}
