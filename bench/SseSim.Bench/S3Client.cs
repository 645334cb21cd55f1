using System.Net;
using System.Text;
using System.Text.Json;

namespace SseSim.Bench;

/// <summary>
/// The one S3 client every endpoint gets (SseSim, moto, the plain-copy baseline): path-style, SigV4 with
/// UNSIGNED-PAYLOAD for bodies, SSE-KMS headers when a key is given. Bodies come from and go to reused buffers.
/// </summary>
public sealed class S3Client : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _endpoint;

    public S3Client(string endpoint, int connections)
    {
        _endpoint = endpoint.TrimEnd('/');
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseProxy = false, AutomaticDecompression = DecompressionMethods.None })
        {
            Timeout = TimeSpan.FromMinutes(2),
        };
    }

    public async Task<string> CreateKmsKeyAsync()
    {
        var text = await KmsAsync("CreateKey", "{}");
        return JsonDocument.Parse(text).RootElement.GetProperty("KeyMetadata").GetProperty("KeyId").GetString()!;
    }

    /// <summary>A KMS JSON call (same port: both SseSim and moto_server route on the signature's service).</summary>
    public async Task<string> KmsAsync(string operation, string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint + "/") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        request.Headers.Add("X-Amz-Target", "TrentService." + operation);
        SigV4.Default.Sign(request, "kms", SigV4.Sha256Hex(body));
        return await SendAsync(request, operation);
    }

    public async Task CreateBucketAsync(string bucket)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{_endpoint}/{bucket}");
        SigV4.Default.Sign(request, "s3", SigV4.Sha256Hex([]));
        await SendAsync(request, "CreateBucket");
    }

    public async Task PutAsync(string bucket, string key, byte[] body, string? kmsKeyId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{_endpoint}/{bucket}/{key}") { Content = new ByteArrayContent(body) };
        if (kmsKeyId is not null)
        {
            request.Headers.Add("X-Amz-Server-Side-Encryption", "aws:kms");
            request.Headers.Add("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", kmsKeyId);
        }
        SigV4.Default.Sign(request, "s3", SigV4.UnsignedPayload);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT {key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Reads the whole body into <paramref name="sink"/> (overwriting; it must be at least as large) and returns its length.</summary>
    public async Task<int> GetAsync(string bucket, string key, byte[] sink)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{_endpoint}/{bucket}/{key}");
        SigV4.Default.Sign(request, "s3", SigV4.Sha256Hex([]));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        await using var body = await response.Content.ReadAsStreamAsync();
        var total = 0;
        int n;
        while ((n = await body.ReadAsync(sink.AsMemory(total))) > 0)
        {
            total += n;
        }
        return total;
    }

    private async Task<string> SendAsync(HttpRequestMessage request, string what)
    {
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {text}");
        }
        return text;
    }

    public void Dispose() => _http.Dispose();
}
