namespace SseSim.Server.S3;

/// <summary>PUT /bucket?tagging with &lt;Tagging&gt;: replaces the bucket's tag set (up to 50 tags) → 204, as S3 answers.</summary>
internal static class PutBucketTagging
{
    public static async Task HandleAsync(S3Call call)
    {
        var tags = S3Tagging.ParseXml(await S3Xml.ReadAsync(call, integrityRequired: true));
        await call.Store.PutBucketTaggingAsync(call.Caller, call.BucketName, tags, call.Aborted);
        call.Response.StatusCode = 204;
    }
}
