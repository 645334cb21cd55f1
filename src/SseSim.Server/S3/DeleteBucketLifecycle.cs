namespace SseSim.Server.S3;

/// <summary>DELETE /bucket?lifecycle → 204, with or without rules to remove, as on AWS.</summary>
internal static class DeleteBucketLifecycle
{
    public static async Task HandleAsync(S3Call call)
    {
        await call.Store.DeleteBucketLifecycleAsync(call.Caller, call.BucketName, call.Aborted);
        call.Response.StatusCode = 204;
    }
}
