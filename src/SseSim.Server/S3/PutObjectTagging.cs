namespace SseSim.Server.S3;

/// <summary>PUT /bucket/key?tagging with &lt;Tagging&gt;: replaces the object's whole tag set (an empty TagSet removes it).</summary>
internal static class PutObjectTagging
{
    public static async Task HandleAsync(S3Call call)
    {
        var version = VersionIds.RequireCurrentForTagging(call);
        var tags = S3Tagging.ParseXml(await S3Xml.ReadAsync(call));
        await call.Store.PutObjectTaggingAsync(call.Caller, call.BucketName, call.ObjectKey, tags, call.Aborted);
        VersionIds.Echo(call, version);
        call.Response.StatusCode = 200;
    }
}
