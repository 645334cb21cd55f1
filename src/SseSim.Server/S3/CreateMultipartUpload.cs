using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>POST /bucket/key?uploads: fixes the upload's encryption (one KMS GenerateDataKey) → InitiateMultipartUploadResult.</summary>
internal static class CreateMultipartUpload
{
    public static async Task HandleAsync(S3Call call)
    {
        BucketOwnerEnforced.CheckWrite(call);
        var tags = S3Tagging.FromHeader(call);
        S3Tagging.AuthorizeTagging(call, tags);
        var algorithm = (call.Header("x-amz-checksum-algorithm") ?? call.Header("x-amz-sdk-checksum-algorithm"))?.Trim().ToUpperInvariant();
        if (algorithm is not null && !S3Body.ChecksumAlgorithms.Contains(algorithm))
        {
            // S3's wording (LocalStack's provider, whose S3 messages follow its AWS recordings); the list is every
            // algorithm S3 takes now, an assumption: the recordings predate SHA512, MD5 and the xxHashes.
            throw S3Errors.Error(S3ErrorCode.InvalidRequest, algorithm.Contains(',', StringComparison.Ordinal)
                ? "Invalid types are specified in x-amz-checksum-algorithm header."
                : $"Checksum algorithm provided is unsupported. Please try again with any of the valid types: [{string.Join(", ", S3Body.ChecksumAlgorithms)}]", 400);
        }
        var result = await call.Store.CreateMultipartUploadAsync(call.Caller, new CreateMultipartUploadRequest(call.BucketName, call.ObjectKey)
        {
            Headers = S3Headers.ObjectHeaders(call),
            Encryption = S3Headers.SseRequest(call),
            Tags = tags,
            ChecksumAlgorithm = algorithm,
            ChecksumType = call.Header("x-amz-checksum-type")?.Trim().ToUpperInvariant(),
            ObjectLock = S3ObjectLock.FromHeaders(call),
        }, call.Aborted);
        S3Headers.WriteEncryption(call.Response, result.Encryption, includeContext: true);
        if (algorithm is not null)
        {
            call.Response.Headers["x-amz-checksum-algorithm"] = algorithm;
        }
        if (result.ChecksumType is { } type)
        {
            call.Response.Headers["x-amz-checksum-type"] = type;
        }
        await S3Xml.WriteAsync(call.Response, "InitiateMultipartUploadResult", w =>
        {
            w.WriteElementString("Bucket", result.Bucket);
            w.WriteElementString("Key", result.Key);
            w.WriteElementString("UploadId", result.UploadId);
        });
    }
}
