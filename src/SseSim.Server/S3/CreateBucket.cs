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
        await call.Store.CreateBucketAsync(call.Caller, call.BucketName, region, call.Aborted, objectLock);
        call.Response.Headers.Location = "/" + call.BucketName;
        call.Response.StatusCode = 200;
    }
}
