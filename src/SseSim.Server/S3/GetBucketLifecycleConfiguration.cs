namespace SseSim.Server.S3;

/// <summary>GET /bucket?lifecycle: the stored LifecycleConfiguration (NoSuchLifecycleConfiguration 404 when none).</summary>
internal static class GetBucketLifecycleConfiguration
{
    public static async Task HandleAsync(S3Call call)
    {
        var (document, minimumSize) = await call.Store.GetBucketLifecycleAsync(call.Caller, call.BucketName, call.Aborted);
        call.Response.Headers[PutBucketLifecycleConfiguration.MinimumObjectSizeHeader] = minimumSize ?? PutBucketLifecycleConfiguration.DefaultMinimumObjectSize;
        await S3Xml.WriteCanonicalAsync(call.Response, document);
    }
}
