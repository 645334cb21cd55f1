using System.Collections.Concurrent;
using System.Text;

namespace SseSim.Cli.Bench;

/// <summary>
/// KMS calls of <c>--client http</c> against a plain-http endpoint, over <see cref="RawHttp"/>: the same signed AWS JSON
/// 1.1 request the SDK sends (Host, X-Amz-Target, Content-Type, X-Amz-Date, X-Amz-Content-Sha256 and Authorization, all
/// signed). SigV4 is deterministic: within one second of X-Amz-Date, signing the same body gives the same bytes, so
/// the signed request is built once per second and body.
/// </summary>
public sealed class RawKmsHttp(Uri endpoint, SigV4 signer) : IDisposable
{
    private readonly string _authority = endpoint.Authority;
    private readonly ConcurrentDictionary<LeanHttp.JsonBody, SignedRequest> _signed = new();

    private sealed record SignedRequest(long Second, byte[] Bytes);

    private readonly RawHttp _http = new(endpoint);

    /// <summary>One call; returns the response body's length, or throws <see cref="AwsHttpException"/> for an AWS error.</summary>
    public async Task<int> SendAsync(LeanHttp.JsonBody body, CancellationToken ct) =>
        (int)await _http.SendAsync(Signed(body), ReadOnlyMemory<byte>.Empty, ErrorFormat.Json, null, ct);

    private byte[] Signed(LeanHttp.JsonBody body)
    {
        var now = DateTime.UtcNow;
        var second = now.Ticks / TimeSpan.TicksPerSecond;
        if (_signed.TryGetValue(body, out var cached) && cached.Second == second)
        {
            return cached.Bytes;
        }
        var amzDate = SigV4.AmzDate(now);
        const string ContentType = "application/x-amz-json-1.1";
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = ContentType,
            ["host"] = _authority,
            ["x-amz-content-sha256"] = body.Hash,
            ["x-amz-date"] = amzDate,
            ["x-amz-target"] = body.Target,
        };
        var authorization = signer.Authorization("POST", "/", "", headers, body.Hash, "kms", amzDate);
        var head = Encoding.ASCII.GetBytes(
            $"POST / HTTP/1.1\r\nHost: {_authority}\r\nX-Amz-Target: {body.Target}\r\nContent-Type: {ContentType}\r\nX-Amz-Date: {amzDate}\r\n"
            + $"X-Amz-Content-Sha256: {body.Hash}\r\nAuthorization: {authorization}\r\nContent-Length: {body.Bytes.Length}\r\n\r\n");
        var bytes = new byte[head.Length + body.Bytes.Length];
        head.CopyTo(bytes, 0);
        body.Bytes.CopyTo(bytes, head.Length);
        _signed[body] = new SignedRequest(second, bytes);
        return bytes;
    }

    public void Dispose() => _http.Dispose();
}
