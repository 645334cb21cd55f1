namespace SseSim.Server.S3;

/// <summary>GET /bucket?inventory: an empty, complete list.</summary>
internal static class ListBucketInventoryConfigurations
{
    public static Task HandleAsync(S3Call call) => BucketWithoutConfiguration.EmptyListAsync(call, "ListInventoryConfigurationsResult");
}
