using System.Globalization;
using System.IO.Pipelines;
using System.Security.Cryptography;
using SseSim.Objects;
using SseSim.Objects.Sse;

namespace SseSim.Server.S3;

/// <summary>
/// Turns the request body into the plaintext PipeReader the domain consumes, per x-amz-content-sha256
/// (reference/s3.md §3.1, §3.3): a hex digest is verified while streaming, aws-chunked framing is stripped with every
/// chunk signature and the trailing checksum checked. Failures surface from the reader, so the domain never commits.
/// </summary>
internal static class S3Body
{
    public const long MaxSinglePut = 5L * 1024 * 1024 * 1024;
    public const string SignedStreaming = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    public const string SignedStreamingTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    public const string UnsignedStreamingTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    public const string Unsigned = "UNSIGNED-PAYLOAD";
    public static IReadOnlyList<string> ChecksumAlgorithms => FlexibleChecksum.Algorithms;

    public static bool IsKnownPayloadHash(string value) =>
        value is Unsigned or SignedStreaming or SignedStreamingTrailer or UnsignedStreamingTrailer
        || (value.Length == 64 && value.All(char.IsAsciiHexDigit));

    /// <returns>The decoded body, its declared decoded length, and the checksum the domain should compute (and verify when a value was sent as a header).</returns>
    public static (PipeReader Reader, long? Length, ChecksumInput? Checksum) Open(S3Call call, long maxSize)
    {
        var request = call.Request;
        var mode = call.PayloadHash;
        var trailerName = call.Header("x-amz-trailer")?.Trim().ToLowerInvariant();
        var checksum = HeaderChecksum(call, trailerName);
        Stream decoded;
        long? length;
        if (mode is SignedStreaming or SignedStreamingTrailer or UnsignedStreamingTrailer)
        {
            var declared = call.Header("x-amz-decoded-content-length");
            if (declared is null || !long.TryParse(declared, NumberStyles.None, CultureInfo.InvariantCulture, out var decodedLength))
            {
                throw S3Errors.Error("MissingContentLength", "You must provide the Content-Length HTTP header.", 411);
            }
            length = decodedLength;
            FlexibleChecksum? trailerChecksum = null;
            if (mode != SignedStreaming && trailerName is not null)
            {
                if (!trailerName.StartsWith("x-amz-checksum-", StringComparison.Ordinal))
                {
                    throw S3Errors.InvalidArgument("The value specified in the x-amz-trailer header is not supported", "x-amz-trailer", trailerName);
                }
                trailerChecksum = new FlexibleChecksum(trailerName["x-amz-checksum-".Length..]);
                checksum ??= new ChecksumInput(trailerChecksum.Algorithm);
            }
            decoded = new AwsChunkedStream(request.BodyReader, mode == UnsignedStreamingTrailer ? null : call.Auth,
                trailer: mode != SignedStreaming, trailerName, trailerChecksum, maxSize);
        }
        else
        {
            length = request.ContentLength;
            decoded = new VerifiedBodyStream(request.BodyReader, mode == Unsigned ? null : mode, maxSize);
        }
        if (length > maxSize)
        {
            decoded.Dispose();
            throw TooLarge();
        }
        return (PipeReader.Create(decoded, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024)), length, checksum);
    }

    /// <summary>
    /// Reads a small request document (XML or a policy) whole, then checks it against Content-MD5 and an
    /// x-amz-checksum-* header as S3 does before acting on it: a malformed Content-MD5 is InvalidDigest, a mismatch
    /// BadDigest. A trailing checksum is verified by <see cref="AwsChunkedStream"/> while reading.
    /// </summary>
    /// <param name="integrityRequired">
    /// The operation needs Content-MD5 or a flexible checksum (DeleteObjects, PutBucketTagging, PutBucketCors,
    /// PutBucketLifecycleConfiguration: AWS refuses them
    /// without one; the botocore model marks more operations requestChecksumRequired, but S3 itself enforces only these).
    /// </param>
    /// <param name="checksumOfBody">
    /// False for CompleteMultipartUpload, whose x-amz-checksum-* headers carry the whole object's checksum, not the document's.
    /// </param>
    public static async Task<byte[]> ReadAllAsync(S3Call call, int maxSize, bool integrityRequired, bool checksumOfBody = true)
    {
        var contentMd5 = ContentMd5(call);
        var (reader, _, checksum) = Open(call, maxSize);
        if (integrityRequired && contentMd5 is null && checksum?.Value is null && !HasTrailingChecksum(call))
        {
            await reader.CompleteAsync();
            throw S3Errors.Error(S3ErrorCode.InvalidRequest, "Missing required header for this request: Content-MD5 OR x-amz-checksum-*", 400);
        }
        using var buffer = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(call.Aborted);
                try
                {
                    foreach (var segment in result.Buffer)
                    {
                        if (buffer.Length + segment.Length > maxSize)
                        {
                            throw TooLarge();
                        }
                        buffer.Write(segment.Span);
                    }
                }
                finally
                {
                    reader.AdvanceTo(result.Buffer.End);
                }
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
        var body = buffer.ToArray();
        if (call.Key is null)
        {
            // A bucket's configuration document: its CloudTrail event logs it (S3Endpoint.Audit).
            call.Http.Items[S3Endpoint.AuditedBodyKey] = body;
        }
        if (contentMd5 is not null && !CryptographicOperations.FixedTimeEquals(MD5.HashData(body), contentMd5))
        {
            throw S3Errors.Error(S3ErrorCode.BadDigest, "The Content-MD5 you specified did not match what we received.", 400);
        }
        if (checksumOfBody && checksum?.Value is { } expected)
        {
            using var sum = new FlexibleChecksum(checksum.Algorithm);
            sum.Append(body);
            if (sum.GetBase64() != expected)
            {
                throw S3Errors.Error(S3ErrorCode.BadDigest, $"The {sum.Algorithm} you specified did not match the calculated checksum.", 400);
            }
        }
        return body;
    }

    /// <summary>The decoded Content-MD5 header, null when absent; anything but base64 of 16 bytes is InvalidDigest.</summary>
    private static byte[]? ContentMd5(S3Call call)
    {
        if (call.Header("Content-MD5") is not { } value)
        {
            return null;
        }
        var digest = new byte[16];
        if (!Convert.TryFromBase64String(value.Trim(), digest, out var n) || n != 16)
        {
            throw S3Errors.Error(S3ErrorCode.InvalidDigest, "The Content-MD5 you specified was invalid.", 400).With("Content-MD5", value);
        }
        return digest;
    }

    private static bool HasTrailingChecksum(S3Call call) =>
        call.PayloadHash is SignedStreamingTrailer or UnsignedStreamingTrailer
        && call.Header("x-amz-trailer")?.Trim().StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>Canonical base64 of a digest of the algorithm's size, as S3 requires of a checksum value (anything else is not a wrong checksum but an invalid one).</summary>
    public static bool IsChecksumValue(string algorithm, string value)
    {
        var size = FlexibleChecksum.DigestSize(algorithm);
        var bytes = new byte[size];
        return size > 0 && value.Length == (size + 2) / 3 * 4 && Convert.TryFromBase64String(value, bytes, out var n) && n == size
            && Convert.ToBase64String(bytes) == value;
    }

    public static S3Exception TooLarge() =>
        S3Errors.Error(S3ErrorCode.EntityTooLarge, "Your proposed upload exceeds the maximum allowed size", 400);

    /// <summary>
    /// x-amz-checksum-&lt;alg&gt; with a value, else x-amz-checksum-algorithm (compute only). x-amz-sdk-checksum-algorithm
    /// names the algorithm of that header or of the x-amz-trailer checksum; S3 refuses it alone or naming another one.
    /// </summary>
    /// <param name="partCount">CompleteMultipartUpload: a COMPOSITE object's checksum may end in its "-N" part count.</param>
    public static ChecksumInput? HeaderChecksum(S3Call call, string? trailerName, bool partCount = false)
    {
        ChecksumInput? found = null;
        foreach (var algorithm in ChecksumAlgorithms)
        {
            var name = "x-amz-checksum-" + algorithm.ToLowerInvariant();
            if (call.Header(name) is { } value)
            {
                if (found is not null)
                {
                    throw S3Errors.Error(S3ErrorCode.InvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.", 400);
                }
                value = value.Trim();
                var dash = partCount ? value.LastIndexOf('-') : -1;
                if (!IsChecksumValue(algorithm, dash < 0 ? value : value[..dash])
                    || (dash >= 0 && !int.TryParse(value.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                {
                    throw S3Errors.Error(S3ErrorCode.InvalidRequest, $"Value for {name} header is invalid.", 400);
                }
                found = new ChecksumInput(algorithm, value);
            }
        }
        if (call.Header("x-amz-sdk-checksum-algorithm")?.Trim() is { } named)
        {
            var sent = found?.Algorithm ?? (trailerName?.StartsWith("x-amz-checksum-", StringComparison.Ordinal) == true ? trailerName["x-amz-checksum-".Length..] : null);
            if (sent is null)
            {
                throw S3Errors.Error(S3ErrorCode.InvalidRequest, "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.", 400);
            }
            if (!sent.Equals(named, StringComparison.OrdinalIgnoreCase))
            {
                throw S3Errors.Error(S3ErrorCode.InvalidRequest, "Value for x-amz-sdk-checksum-algorithm header is invalid.", 400);
            }
        }
        if (found is null && call.Header("x-amz-checksum-algorithm") is { } computeOnly && trailerName is null)
        {
            found = new ChecksumInput(computeOnly.Trim().ToUpperInvariant());
        }
        return found;
    }
}
