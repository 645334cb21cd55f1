namespace SseSim.Server.S3;

/// <summary>DELETE /bucket?publicAccessBlock → 204 (GetPublicAccessBlock then answers NoSuchPublicAccessBlockConfiguration).</summary>
internal static class DeletePublicAccessBlock
{
    public static async Task HandleAsync(S3Call call)
    {
        await call.Store.DeletePublicAccessBlockAsync(call.Caller, call.BucketName, call.Aborted);
        call.Response.StatusCode = 204;
    }
}
