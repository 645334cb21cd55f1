namespace SseSim.Server.S3;

/// <summary>DELETE /bucket → 204 (BucketNotEmpty 409 while objects exist).</summary>
internal static class DeleteBucket
{
    public static async Task HandleAsync(S3Call call)
    {
        await call.Store.DeleteBucketAsync(call.Caller, call.BucketName, call.Aborted);
        call.Response.StatusCode = 204;
    }
}
