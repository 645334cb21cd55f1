namespace SseSim.Server.S3;

/// <summary>
/// PUT /bucket/key?tagging with &lt;Tagging&gt;: replaces the object's whole tag set (an empty TagSet removes it). The
/// policy check (s3:PutObjectTagging) waits for the body, whose tags are its s3:RequestObjectTag condition keys.
/// </summary>
internal static class PutObjectTagging
{
    public static async Task HandleAsync(S3Call call)
    {
        var versionId = VersionIds.Query(call);
        var tags = S3Tagging.ParseXml(await S3Xml.ReadAsync(call));
        S3Endpoint.Authorize(call, S3Endpoint.VersionAction(call, "s3:PutObjectTagging"), call.Header, tags);
        var version = await call.Store.PutObjectTaggingAsync(call.Caller, call.BucketName, call.ObjectKey, tags, call.Aborted, versionId);
        VersionIds.Echo(call, version);
        call.Response.StatusCode = 200;
    }
}
