using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>
/// PUT /bucket?accelerate: Transfer Acceleration is not simulated, so a valid Status (Enabled or Suspended) is
/// NotImplemented; the document and bucket name are still checked first, as S3 checks them.
/// </summary>
internal static class PutBucketAccelerateConfiguration
{
    public static async Task HandleAsync(S3Call call)
    {
        var body = await S3Xml.ReadAsync(call);
        if (body is null || body.Name.LocalName != "AccelerateConfiguration" || body.Elements().Any(e => e.Name.LocalName != "Status")
            || body.ChildValue("Status") is not ("Enabled" or "Suspended"))
        {
            throw S3Errors.MalformedXml();
        }
        await call.Store.HeadBucketAsync(call.Caller, call.BucketName, call.Aborted);
        if (call.BucketName.Contains('.', StringComparison.Ordinal))
        {
            throw S3Errors.Error(S3ErrorCode.InvalidRequest, "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names", 400);
        }
        throw S3Errors.Error("NotImplemented", "Transfer Acceleration is not implemented by SseSim.", 501);
    }
}
