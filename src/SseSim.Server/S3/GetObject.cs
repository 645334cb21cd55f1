using SseSim.Objects;
using SseSim.Objects.Envelope;

namespace SseSim.Server.S3;

/// <summary>
/// GET /bucket/key: conditionals, Range / partNumber, SSE-C key, then the verified plaintext streamed to the response
/// BodyWriter. A decryption failure after the headers are out aborts the connection (never a short 200).
/// </summary>
internal static class GetObject
{
    private static readonly (string Query, string Header)[] Overrides =
    [
        ("response-content-type", "Content-Type"),
        ("response-content-language", "Content-Language"),
        ("response-expires", "Expires"),
        ("response-cache-control", "Cache-Control"),
        ("response-content-disposition", "Content-Disposition"),
        ("response-content-encoding", "Content-Encoding"),
    ];

    public static async Task HandleAsync(S3Call call)
    {
        using var result = await call.Store.GetObjectAsync(call.Caller, ReadRequest(call), call.Aborted);
        await result.OpenAsync(call.Aborted);
        WriteHeaders(call, result.Object, result.ContentLength, result.Range);
        foreach (var (query, header) in Overrides)
        {
            if (call.Query(query) is { } value)
            {
                call.Response.Headers[header] = value;
            }
        }
        // No separate StartAsync: the headers go out with the first verified segment, so a small object is one send
        // (a decryption failure before that still aborts the connection below, and never sends a 200).
        try
        {
            await result.WriteBodyAsync(call.Response.BodyWriter, call.Aborted);
            await call.Response.BodyWriter.FlushAsync(call.Aborted);
        }
        catch (EnvelopeException)
        {
            // Stored data failed authentication mid-body: the client must see a broken response, not a short one.
            call.Http.Abort();
        }
    }

    /// <summary>Shared by GET and HEAD.</summary>
    public static GetObjectRequest ReadRequest(S3Call call)
    {
        S3Headers.RejectSseOnRead(call);
        var versionId = VersionIds.Query(call);
        if (call.Header("x-amz-checksum-mode") is { } mode && !mode.Trim().Equals("ENABLED", StringComparison.OrdinalIgnoreCase))
        {
            throw S3Errors.Error(S3ErrorCode.InvalidRequest, "Value for x-amz-checksum-mode header is invalid.", 400);
        }
        var partNumber = S3Headers.IntQuery(call, "partNumber", 1, 10000);
        if (partNumber is not null && call.Header("Range") is not null)
        {
            throw S3Errors.Error(S3ErrorCode.InvalidRequest, "Cannot specify both Range header and partNumber query parameter", 400);
        }
        return new GetObjectRequest(call.BucketName, call.ObjectKey)
        {
            VersionId = versionId,
            Range = S3Headers.Range(call.Header("Range")),
            PartNumber = partNumber,
            Conditions = S3Headers.Conditions(call),
            CustomerKey = S3Headers.CustomerKey(call, copySource: false),
        };
    }

    public static void WriteHeaders(S3Call call, ObjectInfo info, long contentLength, ContentRange? range)
    {
        var response = call.Response;
        // x-amz-mp-parts-count answers a partNumber read only, as on S3.
        S3Headers.WriteObjectHeaders(response, call.Query("partNumber") is null ? info with { PartsCount = null } : info);
        S3Headers.WriteEncryption(response, info.Encryption, includeContext: false);
        S3Tagging.WriteCount(call, info);
        S3ObjectLock.WriteHeaders(call, info);
        VersionIds.Echo(call, info.VersionId);
        if (VersionIds.Query(call) is null)
        {
            // Expiration rules act on current versions: a read naming a version gets no such header.
            S3Expiration.Write(call, info.Key, info.Size, info.LastModified);
        }
        // Only when asked; the store leaves out a checksum that does not cover the bytes this response carries.
        if (string.Equals(call.Header("x-amz-checksum-mode"), "ENABLED", StringComparison.OrdinalIgnoreCase))
        {
            S3Headers.WriteChecksum(response, info.ChecksumAlgorithm, info.ChecksumValue, info.ChecksumType);
        }
        response.ContentLength = contentLength;
        if (range is { } r)
        {
            response.StatusCode = 206;
            response.Headers.ContentRange = $"bytes {r.First}-{r.Last}/{r.Total}";
        }
        else
        {
            response.StatusCode = 200;
        }
    }
}
