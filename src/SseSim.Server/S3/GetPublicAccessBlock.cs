namespace SseSim.Server.S3;

/// <summary>GET /bucket?publicAccessBlock: the bucket's setting (all on for a new bucket; NoSuchPublicAccessBlockConfiguration once deleted).</summary>
internal static class GetPublicAccessBlock
{
    public static async Task HandleAsync(S3Call call)
    {
        var c = await call.Store.GetPublicAccessBlockAsync(call.Caller, call.BucketName, call.Aborted);
        await S3Xml.WriteAsync(call.Response, "PublicAccessBlockConfiguration", w =>
        {
            w.WriteElementString("BlockPublicAcls", S3Xml.Bool(c.BlockPublicAcls));
            w.WriteElementString("IgnorePublicAcls", S3Xml.Bool(c.IgnorePublicAcls));
            w.WriteElementString("BlockPublicPolicy", S3Xml.Bool(c.BlockPublicPolicy));
            w.WriteElementString("RestrictPublicBuckets", S3Xml.Bool(c.RestrictPublicBuckets));
        });
    }
}
