using System.Net;

namespace SseSim.Objects.Remote;

/// <summary>
/// MinIO .NET 7.0.0 treats 206 Partial Content as an error, so every ranged GetObject fails (minio-dotnet issue
/// #1342, fixed after 7.0.0), and its GetObject first sends a HEAD carrying the same Range. This handler drops Range
/// from HEADs and presents a 206 that answers exactly the requested range as 200, which is what the client expects.
/// </summary>
internal sealed class RangeCompatHandler : DelegatingHandler
{
    public RangeCompatHandler()
        : base(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var range = request.Headers.Range;
        if (range is not null && request.Method == HttpMethod.Head)
        {
            request.Headers.Range = null;
            range = null;
        }
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (range is not null && response.StatusCode == HttpStatusCode.PartialContent)
        {
            var asked = range.Ranges.Count == 1 ? range.Ranges.First() : null;
            var got = response.Content.Headers.ContentRange;
            if (asked?.From is null || got?.From != asked.From)
            {
                response.Dispose();
                throw new HttpRequestException($"remote answered range {got} to a request for {range}");
            }
            response.StatusCode = HttpStatusCode.OK;
        }
        return response;
    }
}
