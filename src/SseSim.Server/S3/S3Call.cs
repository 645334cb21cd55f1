using SseSim.Core.Aws;
using SseSim.Objects;
using SseSim.Server.Auth;
using SseSim.Server.Hosting;

namespace SseSim.Server.S3;

/// <summary>One authenticated S3 request: the HTTP exchange, who signed it, and the addressed bucket and key.</summary>
internal sealed class S3Call
{
    public required HttpContext Http { get; init; }
    public required Caller Caller { get; init; }
    public required SigV4Request Auth { get; init; }
    public required ObjectStore Store { get; init; }
    public required ServerOptions Options { get; init; }
    public string? Bucket { get; init; }
    public string? Key { get; init; }

    /// <summary>x-amz-content-sha256 as signed (a hex digest or one of the literal modes); UNSIGNED-PAYLOAD for presigned URLs.</summary>
    public required string PayloadHash { get; init; }

    public HttpRequest Request => Http.Request;
    public HttpResponse Response => Http.Response;
    public CancellationToken Aborted => Http.RequestAborted;
    public string BucketName => Bucket ?? throw new InvalidOperationException("route without a bucket");
    public string ObjectKey => Key ?? throw new InvalidOperationException("route without a key");

    /// <summary>The version of <see cref="Key"/> the request names (its versionId, or a copy source's), for policy conditions.</summary>
    public string? VersionId { get; init; }

    /// <summary>The same request addressed to another object (a copy's source), for its bucket policy.</summary>
    public S3Call For(string bucket, string key, string? versionId = null) => new()
    {
        VersionId = versionId,
        Http = Http,
        Caller = Caller,
        Auth = Auth,
        Store = Store,
        Options = Options,
        Bucket = bucket,
        Key = key,
        PayloadHash = PayloadHash,
    };

    public string? Query(string name) => Request.Query.TryGetValue(name, out var v) ? v.ToString() : null;

    public string? Header(string name) => Request.Headers.TryGetValue(name, out var v) && v.Count > 0 ? v.ToString() : null;
}
