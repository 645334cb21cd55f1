namespace SseSim.Server.S3;

/// <summary>DELETE /bucket/key?tagging → 204; the object keeps its body, ETag and Last-Modified.</summary>
internal static class DeleteObjectTagging
{
    public static async Task HandleAsync(S3Call call)
    {
        var version = await call.Store.DeleteObjectTaggingAsync(call.Caller, call.BucketName, call.ObjectKey, call.Aborted, VersionIds.Query(call));
        VersionIds.Echo(call, version);
        call.Response.StatusCode = 204;
    }
}
