namespace SseSim.Server.S3;

/// <summary>PUT /bucket with an optional CreateBucketConfiguration/LocationConstraint body.</summary>
internal static class CreateBucket
{
    public static async Task HandleAsync(S3Call call)
    {
        BucketOwnerEnforced.CheckCreateBucket(call);
        var body = await S3Xml.ReadAsync(call);
        string? region = null;
        if (body is not null)
        {
            if (body.Name.LocalName != "CreateBucketConfiguration")
            {
                throw S3Errors.MalformedXml();
            }
            region = body.ChildValue("LocationConstraint") is { Length: > 0 } constraint ? constraint : null;
        }
        // x-amz-bucket-object-lock-enabled: true turns Object Lock (and with it versioning) on from the start.
        var objectLock = call.Header("x-amz-bucket-object-lock-enabled")?.Trim().Equals("true", StringComparison.OrdinalIgnoreCase) == true;
        var created = await call.Store.CreateBucketAsync(call.Caller, call.BucketName, region, call.Aborted, objectLock);
        call.Response.Headers.Location = Location(call, created.Region);
        // General purpose buckets too, whatever botocore's model says (aws s3api create-bucket output: Location, BucketArn).
        call.Response.Headers["x-amz-bucket-arn"] = Objects.ObjectStore.BucketArn(call.BucketName);
        call.Response.StatusCode = 200;
    }

    /// <summary>
    /// AWS answers "/bucket" in us-east-1 and an absolute virtual-hosted URL (http://bucket.s3.amazonaws.com/) in every
    /// other Region. Here the absolute URL names this server, as the client addressed it: its own Host when that already
    /// carries the bucket, else path-style, since a bucket subdomain of an arbitrary host may not resolve.
    /// </summary>
    private static string Location(S3Call call, string region)
    {
        if (region == "us-east-1")
        {
            return "/" + call.BucketName;
        }
        var host = call.Request.Host;
        return S3Endpoint.VirtualHostBucket(host.Host) is null
            ? $"{call.Request.Scheme}://{host}/{call.BucketName}/"
            : $"{call.Request.Scheme}://{host}/";
    }
}
