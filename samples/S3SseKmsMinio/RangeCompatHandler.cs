using System.Net;

namespace S3SseKmsMinio;

/// <summary>
/// MinIO .NET 7.0.0 sends a ranged GetObject's Range header on the HEAD it makes first, and treats the 206 Partial
/// Content that S3 (AWS and SseSim alike) answers as an error (minio-dotnet issue #1342, fixed after 7.0.0).
/// This handler is the client-side workaround a user of 7.0.0 needs against AWS too. It cannot drop the Range
/// header instead: the header is already covered by the SigV4 signature.
/// </summary>
internal sealed class RangeCompatHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.PartialContent)
        {
            response.StatusCode = HttpStatusCode.OK;
        }
        return response;
    }
}
