namespace SseSim.Server.S3;

/// <summary>GET /bucket?intelligent-tiering&amp;id=: no bucket holds intelligent-tiering configurations here, so every id is unknown.</summary>
internal static class GetBucketIntelligentTieringConfiguration
{
    public static Task HandleAsync(S3Call call) => BucketWithoutConfiguration.NoSuchConfigurationAsync(call);
}
