namespace SseSim.Server.S3;

/// <summary>DELETE /bucket/key?uploadId=… → 204; the parts' bodies are freed.</summary>
internal static class AbortMultipartUpload
{
    public static async Task HandleAsync(S3Call call)
    {
        await call.Store.AbortMultipartUploadAsync(call.Caller, call.BucketName, call.ObjectKey, call.Query("uploadId")!, call.Aborted);
        call.Response.StatusCode = 204;
    }
}
