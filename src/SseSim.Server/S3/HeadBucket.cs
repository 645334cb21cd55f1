namespace SseSim.Server.S3;

/// <summary>
/// HEAD /bucket: 200 with x-amz-bucket-region and, as S3 sends them, x-amz-bucket-arn, x-amz-access-point-alias: false
/// (a bucket is no access point alias) and Content-Type application/xml; or a bodiless 404/403.
/// </summary>
internal static class HeadBucket
{
    public static async Task HandleAsync(S3Call call)
    {
        var info = await call.Store.HeadBucketAsync(call.Caller, call.BucketName, call.Aborted);
        call.Response.Headers["x-amz-bucket-region"] = info.Region;
        // botocore's model still calls BucketArn directory-bucket only, but S3 answers it for general purpose buckets
        // too (aws s3api head-bucket output: BucketArn, BucketRegion, AccessPointAlias).
        call.Response.Headers["x-amz-bucket-arn"] = Objects.ObjectStore.BucketArn(call.BucketName);
        call.Response.Headers["x-amz-access-point-alias"] = "false";
        call.Response.ContentType = "application/xml";
        call.Response.StatusCode = 200;
    }
}
