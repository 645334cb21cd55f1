using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>
/// PUT /bucket/key with x-amz-copy-source: decrypt, re-encrypt under the target's settings (never the source's),
/// COPY or REPLACE metadata, x-amz-copy-source-if-* preconditions → CopyObjectResult.
/// </summary>
internal static class CopyObject
{
    public static async Task HandleAsync(S3Call call)
    {
        BucketOwnerEnforced.CheckWrite(call);
        var (sourceBucket, sourceKey, sourceVersionId) = S3Headers.CopySource(call);
        var directive = call.Header("x-amz-metadata-directive")?.Trim().ToUpperInvariant();
        var taggingDirective = call.Header("x-amz-tagging-directive")?.Trim().ToUpperInvariant();
        var tags = taggingDirective == "REPLACE" ? S3Tagging.FromHeader(call) : null;
        S3Tagging.AuthorizeTagging(call, tags);
        S3Endpoint.AuthorizeCopySource(call, sourceBucket, sourceKey, copiesTags: taggingDirective is null or "COPY", sourceVersionId);
        var checksumAlgorithm = call.Header("x-amz-checksum-algorithm")?.Trim().ToUpperInvariant();
        if (checksumAlgorithm is not null && !S3Body.ChecksumAlgorithms.Contains(checksumAlgorithm))
        {
            throw S3Errors.InvalidArgument("Value for x-amz-checksum-algorithm header is invalid.", "x-amz-checksum-algorithm", checksumAlgorithm);
        }
        var result = await call.Store.CopyObjectAsync(call.Caller, new CopyObjectRequest(sourceBucket, sourceKey, call.BucketName, call.ObjectKey)
        {
            SourceVersionId = sourceVersionId,
            MetadataDirective = directive,
            StorageClassGiven = call.Header("x-amz-storage-class") is not null,
            Headers = S3Headers.ObjectHeaders(call),
            Encryption = S3Headers.SseRequest(call),
            SourceCustomerKey = S3Headers.CustomerKey(call, copySource: true),
            SourceConditions = S3Headers.Conditions(call, "x-amz-copy-source-"),
            WriteConditions = S3Headers.WriteConditions(call),
            TaggingDirective = taggingDirective,
            Tags = tags,
            ChecksumAlgorithm = checksumAlgorithm,
            ObjectLock = S3ObjectLock.FromHeaders(call),
        }, call.Aborted);
        S3Headers.WriteEncryption(call.Response, result.Encryption, includeContext: true);
        VersionIds.EchoWritten(call, result.VersionId);
        S3Expiration.Write(call, call.ObjectKey, size: null, result.LastModified);
        if (result.SourceVersionId is not null)
        {
            call.Response.Headers["x-amz-copy-source-version-id"] = result.SourceVersionId;
        }
        await S3Xml.WriteAsync(call.Response, "CopyObjectResult", w =>
        {
            w.WriteElementString("ETag", S3Xml.Quote(result.ETag));
            w.WriteElementString("LastModified", S3Xml.SecondsTimestamp(result.LastModified));
            if (result.ChecksumValue is not null)
            {
                w.WriteElementString("ChecksumType", "FULL_OBJECT");
                S3Xml.Checksum(w, result.ChecksumAlgorithm, result.ChecksumValue);
            }
        });
    }
}
