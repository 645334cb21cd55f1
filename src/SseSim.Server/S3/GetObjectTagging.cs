using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>GET /bucket/key?tagging: the object's tag set, sorted by key (an empty TagSet when it has none).</summary>
internal static class GetObjectTagging
{
    public static async Task HandleAsync(S3Call call)
    {
        (IReadOnlyList<S3Tag> Tags, string? VersionId) result;
        try
        {
            result = await call.Store.GetObjectTaggingAsync(call.Caller, call.BucketName, call.ObjectKey, VersionIds.Query(call), call.Aborted);
        }
        catch (S3Exception e) when (e.Code == S3ErrorCode.NoSuchKey)
        {
            // S3 names a missing key here as bucket/key (Put/DeleteObjectTagging name the key alone), as recorded from AWS.
            throw e.With("Key", call.BucketName + "/" + call.ObjectKey);
        }
        VersionIds.Echo(call, result.VersionId);
        await S3Tagging.WriteAsync(call.Response, result.Tags);
    }
}
