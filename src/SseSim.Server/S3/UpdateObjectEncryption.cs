using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>
/// PUT /bucket/key?encryption with &lt;ObjectEncryption&gt;&lt;SSE-KMS&gt;&lt;KMSKeyArn/&gt;&lt;BucketKeyEnabled/&gt;: re-wraps an SSE-S3 or
/// SSE-KMS object's data key under another KMS key without rewriting its ciphertext (January 2026 API); 200, no body.
/// </summary>
internal static class UpdateObjectEncryption
{
    public static async Task HandleAsync(S3Call call)
    {
        var versionId = VersionIds.Query(call);
        var body = await S3Xml.ReadAsync(call);
        if (body?.Name.LocalName != "ObjectEncryption")
        {
            throw S3Errors.MalformedXml();
        }
        var sseKms = body.Child("SSE-KMS") ?? throw S3Errors.Error(S3ErrorCode.InvalidRequest,
            "Requests that modify an object encryption configuration require a valid new encryption type. Valid values are SSEKMS. Modify the request to specify SSE-KMS for the updated encryption type, and then try again.", 400);
        var bucketKey = sseKms.ChildValue("BucketKeyEnabled")?.Trim() switch
        {
            null or "false" => false,
            "true" => true,
            _ => throw S3Errors.Error(S3ErrorCode.InvalidRequest, "The BucketKeyEnabled value isn't valid. Valid values are true or false. Modify the request to specify a valid value, and then try again.", 400),
        };
        var version = await call.Store.UpdateObjectEncryptionAsync(call.Caller, call.BucketName, call.ObjectKey, versionId, sseKms.ChildValue("KMSKeyArn")?.Trim(), bucketKey, call.Aborted);
        VersionIds.Echo(call, version);
        call.Response.StatusCode = 200;
    }
}
