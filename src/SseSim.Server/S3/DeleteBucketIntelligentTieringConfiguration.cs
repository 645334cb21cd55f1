namespace SseSim.Server.S3;

/// <summary>DELETE /bucket?intelligent-tiering&amp;id=: the id names no configuration.</summary>
internal static class DeleteBucketIntelligentTieringConfiguration
{
    public static Task HandleAsync(S3Call call) => BucketWithoutConfiguration.NoSuchConfigurationAsync(call);
}
