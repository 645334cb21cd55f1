namespace SseSim.Server.S3;

/// <summary>GET /bucket?intelligent-tiering: an empty, complete list.</summary>
internal static class ListBucketIntelligentTieringConfigurations
{
    public static Task HandleAsync(S3Call call) => BucketWithoutConfiguration.EmptyListAsync(call, "ListBucketIntelligentTieringConfigurationsOutput");
}
