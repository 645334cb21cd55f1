namespace SseSim.Server.S3;

/// <summary>GET /bucket?analytics: an empty, complete list.</summary>
internal static class ListBucketAnalyticsConfigurations
{
    public static Task HandleAsync(S3Call call) => BucketWithoutConfiguration.EmptyListAsync(call, "ListBucketAnalyticsConfigurationResult");
}
