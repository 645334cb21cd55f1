using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>PUT /bucket/key?partNumber=N&amp;uploadId=…: only SSE-C headers are accepted (reference/s3.md §1.2).</summary>
internal static class UploadPart
{
    public static async Task HandleAsync(S3Call call)
    {
        S3Headers.RejectKmsHeaders(call);
        var uploadId = call.Query("uploadId")!;
        var partNumber = S3Headers.IntQuery(call, "partNumber", int.MinValue, int.MaxValue)
            ?? throw S3Errors.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber");
        var customer = S3Headers.CustomerKey(call, copySource: false);
        var (body, length, checksum) = S3Body.Open(call, S3Body.MaxSinglePut);
        var result = await call.Store.UploadPartAsync(call.Caller, new UploadPartRequest(call.BucketName, call.ObjectKey, uploadId, partNumber, body)
        {
            CustomerKey = customer,
            ContentMd5 = call.Header("Content-MD5"),
            Checksum = checksum,
            ContentLength = length,
        }, call.Aborted);
        call.Response.Headers.ETag = S3Xml.Quote(result.ETag);
        S3Headers.WriteEncryption(call.Response, result.Encryption, includeContext: false);
        S3Headers.WriteChecksum(call.Response, result.ChecksumAlgorithm, result.ChecksumValue);
        call.Response.StatusCode = 200;
    }
}
