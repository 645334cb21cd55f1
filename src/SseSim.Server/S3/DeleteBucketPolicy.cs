namespace SseSim.Server.S3;

/// <summary>DELETE /bucket?policy → 204.</summary>
internal static class DeleteBucketPolicy
{
    public static async Task HandleAsync(S3Call call)
    {
        await call.Store.DeleteBucketPolicyAsync(call.Caller, call.BucketName, call.Aborted);
        call.Response.StatusCode = 204;
    }
}
