namespace SseSim.Server.S3;

/// <summary>DELETE /bucket?lifecycle: nothing to remove, 204.</summary>
internal static class DeleteBucketLifecycle
{
    public static Task HandleAsync(S3Call call) =>
        BucketWithoutConfiguration.DeletedAsync(call);
}
