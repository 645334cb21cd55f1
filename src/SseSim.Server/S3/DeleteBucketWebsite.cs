namespace SseSim.Server.S3;

/// <summary>DELETE /bucket?website: nothing to remove, 204.</summary>
internal static class DeleteBucketWebsite
{
    public static Task HandleAsync(S3Call call) =>
        BucketWithoutConfiguration.DeletedAsync(call);
}
