using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SseSim.Server.Tests.S3;

/// <summary>
/// A hand-rolled SigV4 S3 client for what real SDKs never send: wrong payload hashes, tampered aws-chunked bodies,
/// declared sizes the body does not have.
/// </summary>
public static class RawS3
{
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(5) };

    public static Task<HttpResponseMessage> SendAsync(ServerFixture server, HttpMethod method, string pathAndQuery, byte[]? content = null,
        Dictionary<string, string>? extraHeaders = null, string? payloadHash = null, string secret = "test", string? host = null, bool completeHeadersOnly = false)
    {
        content ??= [];
        payloadHash ??= Hex(SHA256.HashData(content));
        var (request, _, _) = Sign(server, method, pathAndQuery, content, extraHeaders, payloadHash, secret, host);
        return Http.SendAsync(request, completeHeadersOnly ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead);
    }

    /// <summary>An UNSIGNED-PAYLOAD PUT streaming <paramref name="body"/> (nothing buffered on the client side).</summary>
    public static Task<HttpResponseMessage> SendStreamAsync(ServerFixture server, string path, Stream body, long length)
    {
        var (request, _, _) = Sign(server, HttpMethod.Put, path, null, null, "UNSIGNED-PAYLOAD", "test", null);
        request.Content = new StreamContent(body, 1 << 20);
        request.Content.Headers.ContentLength = length;
        return Http.SendAsync(request);
    }

    /// <summary>STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload; <paramref name="corruptChunk"/> flips a data byte after signing.</summary>
    public static async Task<HttpResponseMessage> SendSignedChunkedAsync(ServerFixture server, string path, byte[] data, int chunkSize, int? corruptChunk = null)
    {
        var extra = new Dictionary<string, string>
        {
            ["x-amz-decoded-content-length"] = data.Length.ToString(CultureInfo.InvariantCulture),
            ["content-encoding"] = "aws-chunked",
        };
        var (request, seed, key) = Sign(server, HttpMethod.Put, path, null, extra, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "test", null);
        var body = new MemoryStream();
        var previous = seed.Signature;
        var index = 0;
        for (var offset = 0; ; offset += chunkSize, index++)
        {
            var chunk = data.AsSpan(Math.Min(offset, data.Length), Math.Max(0, Math.Min(chunkSize, data.Length - offset))).ToArray();
            var toSign = $"AWS4-HMAC-SHA256-PAYLOAD\n{seed.AmzDate}\n{seed.Scope}\n{previous}\n{EmptySha256}\n{Hex(SHA256.HashData(chunk))}";
            var signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
            if (corruptChunk == index && chunk.Length > 0)
            {
                chunk[0] ^= 1;
            }
            body.Write(Encoding.ASCII.GetBytes($"{chunk.Length:x};chunk-signature={signature}\r\n"));
            body.Write(chunk);
            body.Write("\r\n"u8);
            previous = signature;
            if (chunk.Length == 0)
            {
                break;
            }
        }
        request.Content = new ByteArrayContent(body.ToArray());
        request.Content.Headers.TryAddWithoutValidation("Content-Encoding", "aws-chunked");
        return await Http.SendAsync(request);
    }

    private static (HttpRequestMessage Request, (string Signature, string AmzDate, string Scope) Seed, byte[] Key) Sign(
        ServerFixture server, HttpMethod method, string pathAndQuery, byte[]? content, Dictionary<string, string>? extraHeaders, string payloadHash, string secret, string? host)
    {
        var uri = new Uri(server.Endpoint + pathAndQuery);
        var now = DateTime.UtcNow;
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var scope = $"{date}/us-east-1/s3/aws4_request";
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = host ?? uri.Authority,
            ["x-amz-content-sha256"] = payloadHash,
            ["x-amz-date"] = amzDate,
        };
        foreach (var (k, v) in extraHeaders ?? [])
        {
            headers[k.ToLowerInvariant()] = v;
        }
        var query = uri.Query.TrimStart('?');
        var canonicalQuery = string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Contains('=', StringComparison.Ordinal) ? p : p + "=").Order(StringComparer.Ordinal));
        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = $"{method.Method}\n{uri.AbsolutePath}\n{canonicalQuery}\n{string.Concat(headers.Select(h => $"{h.Key}:{h.Value}\n"))}\n{signedHeaders}\n{payloadHash}";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, "us-east-1"u8);
        key = HMACSHA256.HashData(key, "s3"u8);
        key = HMACSHA256.HashData(key, "aws4_request"u8);
        var signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));

        var request = new HttpRequestMessage(method, uri);
        if (host is not null)
        {
            request.Headers.Host = host;
        }
        if (content is not null && method != HttpMethod.Get && method != HttpMethod.Head)
        {
            request.Content = new ByteArrayContent(content);
        }
        foreach (var (k, v) in headers)
        {
            if (k is "host")
            {
                continue;
            }
            if (k is "content-encoding" or "content-type" or "content-md5")
            {
                // Content headers go on the content (a chunked upload sets its own Content-Encoding).
                if (k is not "content-encoding" && request.Content is not null)
                {
                    request.Content.Headers.TryAddWithoutValidation(k, v);
                }
                continue;
            }
            request.Headers.TryAddWithoutValidation(k, v);
        }
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential=test/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
        return (request, (signature, amzDate, scope), key);
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
