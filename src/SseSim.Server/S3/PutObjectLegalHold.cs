namespace SseSim.Server.S3;

/// <summary>PUT /bucket/key?legal-hold[&amp;versionId] with &lt;LegalHold&gt;&lt;Status&gt;ON|OFF&lt;/Status&gt;: no bypass is needed either way.</summary>
internal static class PutObjectLegalHold
{
    public static async Task HandleAsync(S3Call call)
    {
        var versionId = VersionIds.Query(call);
        var body = await S3Xml.ReadAsync(call, integrityRequired: true);
        if (body is null || body.Name.LocalName != "LegalHold" || body.Elements().Any(e => e.Name.LocalName != "Status")
            || body.ChildValue("Status")?.Trim() is not ("ON" or "OFF"))
        {
            throw S3Errors.MalformedXml();
        }
        await call.Store.PutObjectLegalHoldAsync(call.Caller, call.BucketName, call.ObjectKey, versionId, body.ChildValue("Status")!.Trim() == "ON", call.Aborted);
        call.Response.StatusCode = 200;
    }
}
