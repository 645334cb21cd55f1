using System.Text;

namespace SseSim.Cli.Bench;

/// <summary>
/// S3 PUT and GET of <c>--client http</c> against a plain-http endpoint, over <see cref="RawHttp"/>: the path-style
/// request the SDK sends, with Host, X-Amz-Date, X-Amz-Content-Sha256 (the body's SHA-256: payloads are signed, as
/// SDKs sign them over plain HTTP), the workload's x-amz-* headers and Authorization, all signed. Keys are written
/// in canonical form (each segment percent-encoded), so the path sent is the path signed.
/// </summary>
public sealed class RawS3Http(Uri endpoint, SigV4 signer) : IDisposable
{
    private static readonly string EmptyHash = SigV4.Sha256Hex([]);
    private readonly string _authority = endpoint.Authority;
    private readonly RawHttp _http = new(endpoint);
    /// <summary>PUT /bucket/key of <paramref name="body"/>, whose SHA-256 (hex) is <paramref name="bodyHash"/>.</summary>
    public Task PutObjectAsync(string bucket, string key, ReadOnlyMemory<byte> body, string bodyHash, IReadOnlyList<(string Name, string Value)> headers, CancellationToken ct) =>
        _http.SendAsync(Head("PUT", bucket, key, bodyHash, headers, body.Length), body, ErrorFormat.Xml, null, ct);

    /// <summary>GET /bucket/key into <paramref name="sink"/> (overwritten, counted); returns the body's length, checked against Content-Length.</summary>
    public Task<long> GetObjectAsync(string bucket, string key, byte[] sink, IReadOnlyList<(string Name, string Value)> headers, CancellationToken ct) =>
        _http.SendAsync(Head("GET", bucket, key, EmptyHash, headers, null), ReadOnlyMemory<byte>.Empty, ErrorFormat.Xml, sink, ct);

    private byte[] Head(string method, string bucket, string key, string payloadHash, IReadOnlyList<(string Name, string Value)> extra, int? contentLength)
    {
        var path = "/" + bucket + "/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        var amzDate = SigV4.AmzDate(DateTime.UtcNow);
        var signed = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = _authority,
            ["x-amz-content-sha256"] = payloadHash,
            ["x-amz-date"] = amzDate,
        };
        var head = new StringBuilder(512).Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\nHost: ").Append(_authority)
            .Append("\r\nX-Amz-Date: ").Append(amzDate).Append("\r\nX-Amz-Content-Sha256: ").Append(payloadHash).Append("\r\n");
        foreach (var (name, value) in extra)
        {
            if (name.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
            {
                signed[name.ToLowerInvariant()] = value.Trim();
            }
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        head.Append("Authorization: ").Append(signer.Authorization(method, path, "", signed, payloadHash, "s3", amzDate)).Append("\r\n");
        if (contentLength is { } n)
        {
            head.Append("Content-Length: ").Append(n).Append("\r\n");
        }
        return Encoding.ASCII.GetBytes(head.Append("\r\n").ToString());
    }

    public void Dispose() => _http.Dispose();
}
