namespace SseSim.Server.S3;

/// <summary>DELETE /bucket?cors → 204, with or without a configuration to remove, as on AWS.</summary>
internal static class DeleteBucketCors
{
    public static async Task HandleAsync(S3Call call)
    {
        await call.Store.DeleteBucketCorsAsync(call.Caller, call.BucketName, call.Aborted);
        call.Response.StatusCode = 204;
    }
}
