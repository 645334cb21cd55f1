namespace SseSim.Server.S3;

/// <summary>
/// GET /bucket?policyStatus: whether the bucket policy is public by S3's rules (<see cref="BucketPolicy.IsPublic"/>);
/// NoSuchBucketPolicy (404) when the bucket has none, as S3 answers.
/// </summary>
internal static class GetBucketPolicyStatus
{
    public static async Task HandleAsync(S3Call call)
    {
        var policy = await call.Store.GetBucketPolicyAsync(call.Caller, call.BucketName, call.Aborted);
        var isPublic = BucketPolicy.IsPublic(policy);
        await S3Xml.WriteAsync(call.Response, "PolicyStatus", w => w.WriteElementString("IsPublic", S3Xml.Bool(isPublic)));
    }
}
