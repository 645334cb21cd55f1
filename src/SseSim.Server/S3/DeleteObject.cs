namespace SseSim.Server.S3;

/// <summary>DELETE /bucket/key → 204, also for a key that does not exist.</summary>
internal static class DeleteObject
{
    public static async Task HandleAsync(S3Call call)
    {
        VersionIds.RequireCurrent(call.Query("versionId"));
        await call.Store.DeleteObjectAsync(call.Caller, call.BucketName, call.ObjectKey, call.Aborted, call.Header("If-Match")?.Trim());
        call.Response.StatusCode = 204;
    }
}
