namespace SseSim.Server.S3;

/// <summary>
/// DELETE /bucket/key[?versionId] → 204, also for a key or version that does not exist. In a versioned bucket a delete
/// without versionId adds a delete marker; x-amz-version-id and x-amz-delete-marker say what was created or removed.
/// </summary>
internal static class DeleteObject
{
    public static async Task HandleAsync(S3Call call)
    {
        var versionId = VersionIds.Query(call);
        var result = await call.Store.DeleteObjectAsync(call.Caller, call.BucketName, call.ObjectKey, call.Aborted, call.Header("If-Match")?.Trim(), versionId,
            await S3ObjectLock.DeleteBypassAsync(call));
        VersionIds.Echo(call, result.VersionId);
        if (result.DeleteMarker)
        {
            call.Response.Headers["x-amz-delete-marker"] = "true";
        }
        call.Response.StatusCode = 204;
    }
}
