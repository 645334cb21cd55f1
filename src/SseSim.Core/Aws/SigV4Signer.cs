using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SseSim.Core.Aws;

/// <summary>
/// Minimal SigV4 header signing for SseSim's own clients: the bench load generators (S3 path-style, EC2 Query, KMS
/// JSON; every endpoint, SseSim or moto, sees the same client code and no SDK cost) and the <c>ssesim</c> CLI's admin
/// calls. Signs host, x-amz-date, x-amz-content-sha256, content-type and every x-amz-* header already on the request.
/// Paths must already be in canonical (encoded) form.
/// </summary>
public sealed class SigV4Signer(string accessKey, string secretKey, string region)
{
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    private readonly ConcurrentDictionary<(string Date, string Service), byte[]> _keys = new();

    public static SigV4Signer Default { get; } = new("test", "test", "us-east-1");

    public static string Sha256Hex(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    public void Sign(HttpRequestMessage request, string service, string payloadHash)
    {
        var uri = request.RequestUri!;
        var amzDate = AmzDate(DateTime.UtcNow);
        request.Headers.Remove("X-Amz-Date");
        request.Headers.Add("X-Amz-Date", amzDate);
        request.Headers.Remove("X-Amz-Content-Sha256");
        request.Headers.Add("X-Amz-Content-Sha256", payloadHash);

        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["host"] = uri.Authority };
        foreach (var h in request.Headers)
        {
            if (h.Key.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
            {
                headers[h.Key.ToLowerInvariant()] = string.Join(',', h.Value).Trim();
            }
        }
        if (request.Content?.Headers.ContentType is { } contentType)
        {
            headers["content-type"] = contentType.ToString();
        }
        request.Headers.TryAddWithoutValidation("Authorization", Authorization(request.Method.Method, uri.AbsolutePath, uri.Query.TrimStart('?'), headers, payloadHash, service, amzDate));
    }

    /// <summary>X-Amz-Date's value for <paramref name="time"/> (the signing time, to the second).</summary>
    public static string AmzDate(DateTime time) => time.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The Authorization header value for a request whose signed headers (lower-case names, trimmed values, host and
    /// x-amz-date among them) are <paramref name="headers"/>.
    /// </summary>
    public string Authorization(string method, string path, string query, SortedDictionary<string, string> headers, string payloadHash, string service, string amzDate)
    {
        var signedHeaders = string.Join(';', headers.Keys);
        var canonicalHeaders = new StringBuilder();
        foreach (var (k, v) in headers)
        {
            canonicalHeaders.Append(k).Append(':').Append(v).Append('\n');
        }
        // Callers use plain ASCII paths, already in canonical (encoded) form, and at most sorted, encoded query strings.
        var canonical = $"{method}\n{path}\n{query}\n{canonicalHeaders}\n{signedHeaders}\n{payloadHash}";
        var date = amzDate[..8];
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Sha256Hex(Encoding.UTF8.GetBytes(canonical))}";
        var key = _keys.GetOrAdd((date, service), k => Derive(secretKey, k.Date, region, k.Service));
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        return $"AWS4-HMAC-SHA256 Credential={accessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
    }

    private static byte[] Derive(string secret, string date, string region, string service)
    {
        var k = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        k = HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(region));
        k = HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(k, "aws4_request"u8);
    }
}
