using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>PUT …?partNumber&amp;uploadId with x-amz-copy-source[-range]: a (range of an) object re-encrypted into a part → CopyPartResult.</summary>
internal static class UploadPartCopy
{
    public static async Task HandleAsync(S3Call call)
    {
        S3Headers.RejectKmsHeaders(call);
        var (sourceBucket, sourceKey, sourceVersionId) = S3Headers.CopySource(call);
        S3Endpoint.AuthorizeCopySource(call, sourceBucket, sourceKey, copiesTags: false, sourceVersionId);
        var partNumber = S3Headers.IntQuery(call, "partNumber", int.MinValue, int.MaxValue)
            ?? throw S3Errors.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber");
        ByteRangeSpec? range = null;
        if (call.Header("x-amz-copy-source-range") is { } rangeText)
        {
            // Only the full form bytes=first-last with first <= last: no suffix, open-ended or multiple ranges.
            range = S3Headers.Range(rangeText) is { First: { } first, Last: { } last } spec && first <= last && !rangeText.Contains(',', StringComparison.Ordinal)
                ? spec
                : throw S3Errors.InvalidArgument(
                    "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
                    "x-amz-copy-source-range", rangeText);
        }
        var result = await call.Store.UploadPartCopyAsync(call.Caller,
            new UploadPartCopyRequest(call.BucketName, call.ObjectKey, call.Query("uploadId")!, partNumber, sourceBucket, sourceKey)
            {
                SourceVersionId = sourceVersionId,
                SourceRange = range,
                CustomerKey = S3Headers.CustomerKey(call, copySource: false),
                SourceCustomerKey = S3Headers.CustomerKey(call, copySource: true),
                SourceConditions = S3Headers.Conditions(call, "x-amz-copy-source-"),
            }, call.Aborted);
        S3Headers.WriteEncryption(call.Response, result.Encryption, includeContext: false);
        if (result.SourceVersionId is not null)
        {
            call.Response.Headers["x-amz-copy-source-version-id"] = result.SourceVersionId;
        }
        await S3Xml.WriteAsync(call.Response, "CopyPartResult", w =>
        {
            w.WriteElementString("ETag", S3Xml.Quote(result.ETag));
            w.WriteElementString("LastModified", S3Xml.SecondsTimestamp(result.LastModified));
            S3Xml.Checksum(w, result.ChecksumAlgorithm, result.ChecksumValue);
        });
    }
}
