using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>
/// PUT /bucket?versioning with &lt;VersioningConfiguration&gt;: Status Enabled or Suspended (docs/formats/s3-metadata-records.md#versioning);
/// MFA delete is refused plainly (501), a configuration without Status is IllegalVersioningConfigurationException.
/// </summary>
internal static class PutBucketVersioning
{
    public static async Task HandleAsync(S3Call call)
    {
        var body = await S3Xml.ReadAsync(call);
        if (body is null || body.Name.LocalName != "VersioningConfiguration"
            || body.Elements().Any(e => e.Name.LocalName is not ("Status" or "MfaDelete"))
            || body.ChildValue("Status")?.Trim() is not (null or "Enabled" or "Suspended")
            || body.ChildValue("MfaDelete")?.Trim() is not (null or "Enabled" or "Disabled"))
        {
            throw S3Errors.MalformedXml();
        }
        if (body.ChildValue("MfaDelete")?.Trim() == "Enabled")
        {
            throw S3Errors.Error("NotImplemented", "MFA delete is not implemented by SseSim.", 501);
        }
        if (body.ChildValue("Status")?.Trim() is not { } status)
        {
            // An empty configuration changes nothing on AWS either: it is refused once the bucket is found.
            await call.Store.HeadBucketAsync(call.Caller, call.BucketName, call.Aborted);
            throw S3Errors.Error("IllegalVersioningConfigurationException", "The Versioning element must be specified", 400);
        }
        await call.Store.PutBucketVersioningAsync(call.Caller, call.BucketName, status, call.Aborted);
        call.Response.StatusCode = 200;
    }
}
