namespace SseSim.Server.S3;

/// <summary>GET /bucket/key?tagging: the object's tag set, sorted by key (an empty TagSet when it has none).</summary>
internal static class GetObjectTagging
{
    public static async Task HandleAsync(S3Call call)
    {
        var (tags, version) = await call.Store.GetObjectTaggingAsync(call.Caller, call.BucketName, call.ObjectKey, VersionIds.Query(call), call.Aborted);
        VersionIds.Echo(call, version);
        await S3Tagging.WriteAsync(call.Response, tags);
    }
}
