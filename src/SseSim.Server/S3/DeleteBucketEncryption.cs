namespace SseSim.Server.S3;

/// <summary>DELETE /bucket?encryption → 204; the bucket falls back to SSE-S3.</summary>
internal static class DeleteBucketEncryption
{
    public static async Task HandleAsync(S3Call call)
    {
        await call.Store.DeleteBucketEncryptionAsync(call.Caller, call.BucketName, call.Aborted);
        call.Response.StatusCode = 204;
    }
}
