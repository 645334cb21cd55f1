namespace SseSim.Server.S3;

/// <summary>GET /bucket?metrics: an empty, complete list.</summary>
internal static class ListBucketMetricsConfigurations
{
    public static Task HandleAsync(S3Call call) => BucketWithoutConfiguration.EmptyListAsync(call, "ListMetricsConfigurationsResult");
}
