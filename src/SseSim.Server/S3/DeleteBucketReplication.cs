namespace SseSim.Server.S3;

/// <summary>DELETE /bucket?replication: nothing to remove, 204.</summary>
internal static class DeleteBucketReplication
{
    public static Task HandleAsync(S3Call call) =>
        BucketWithoutConfiguration.DeletedAsync(call);
}
