namespace SseSim.Server.S3;

/// <summary>GET /bucket?tagging: the bucket's tag set (NoSuchTagSet 404 when it has none).</summary>
internal static class GetBucketTagging
{
    public static async Task HandleAsync(S3Call call)
    {
        var tags = await call.Store.GetBucketTaggingAsync(call.Caller, call.BucketName, call.Aborted);
        await S3Tagging.WriteAsync(call.Response, tags);
    }
}
