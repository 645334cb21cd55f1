namespace SseSim.Server.S3;

/// <summary>HEAD /bucket: 200 with x-amz-bucket-region, or a bodiless 404/403.</summary>
internal static class HeadBucket
{
    public static async Task HandleAsync(S3Call call)
    {
        var info = await call.Store.HeadBucketAsync(call.Caller, call.BucketName, call.Aborted);
        call.Response.Headers["x-amz-bucket-region"] = info.Region;
        call.Response.StatusCode = 200;
    }
}
