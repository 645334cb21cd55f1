namespace SseSim.Server.S3;

/// <summary>DELETE /bucket?cors: nothing to remove, 204.</summary>
internal static class DeleteBucketCors
{
    public static Task HandleAsync(S3Call call) =>
        BucketWithoutConfiguration.DeletedAsync(call);
}
