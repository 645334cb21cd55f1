using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>PUT /bucket/key: streams the decoded, verified body into the encrypted store (5 GiB single-PUT limit).</summary>
internal static class PutObject
{
    public static async Task HandleAsync(S3Call call)
    {
        BucketOwnerEnforced.CheckWrite(call);
        var encryption = S3Headers.SseRequest(call);
        var headers = S3Headers.ObjectHeaders(call);
        var tags = S3Tagging.FromHeader(call);
        S3Tagging.AuthorizeTagging(call, tags);
        var (body, length, checksum) = S3Body.Open(call, S3Body.MaxSinglePut);
        var result = await call.Store.PutObjectAsync(call.Caller, new PutObjectRequest(call.BucketName, call.ObjectKey, body)
        {
            Headers = headers,
            Encryption = encryption,
            ContentMd5 = call.Header("Content-MD5"),
            Checksum = checksum,
            ContentLength = length,
            WriteConditions = S3Headers.WriteConditions(call),
            Tags = tags,
            ObjectLock = S3ObjectLock.FromHeaders(call),
        }, call.Aborted);
        call.Response.Headers.ETag = S3Xml.Quote(result.ETag);
        S3Headers.WriteEncryption(call.Response, result.Encryption, includeContext: true);
        S3Headers.WriteChecksum(call.Response, result.ChecksumAlgorithm, result.ChecksumValue, "FULL_OBJECT");
        VersionIds.EchoWritten(call, result.VersionId);
        S3Expiration.Write(call, call.ObjectKey, length, result.LastModified);
        call.Response.StatusCode = 200;
    }
}
