namespace SseSim.Server.S3;

/// <summary>GET /bucket?replication: no bucket replicates here.</summary>
internal static class GetBucketReplication
{
    public static Task HandleAsync(S3Call call) =>
        BucketWithoutConfiguration.NotFoundAsync(call, "ReplicationConfigurationNotFoundError", "The replication configuration was not found");
}
