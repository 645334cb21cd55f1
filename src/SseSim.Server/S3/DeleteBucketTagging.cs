namespace SseSim.Server.S3;

/// <summary>DELETE /bucket?tagging → 204 (GetBucketTagging then answers NoSuchTagSet).</summary>
internal static class DeleteBucketTagging
{
    public static async Task HandleAsync(S3Call call)
    {
        await call.Store.DeleteBucketTaggingAsync(call.Caller, call.BucketName, call.Aborted);
        call.Response.StatusCode = 204;
    }
}
