using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Xml;

namespace SseSim.Cli.Bench;

/// <summary>A failed lean-client call, named by the service's AWS error code (JSON <c>__type</c>, S3 XML <c>Code</c>).</summary>
public sealed class AwsHttpException(string code, HttpStatusCode status)
    : Exception($"{code} (HTTP {(int)status})")
{
    public string Code { get; } = code;

    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// <c>--client http</c>: the same signed AWS requests the SDK would send (AWS JSON 1.1 for KMS, path-style REST for
/// S3), built by hand over one shared <see cref="SocketsHttpHandler"/> and signed with <see cref="SigV4"/>. The AWS SDK
/// spends more CPU per call than a fast server does; on a shared machine that would measure the client.
/// </summary>
public sealed class LeanHttp : IDisposable
{
    private static readonly MediaTypeHeaderValue AmzJson = new("application/x-amz-json-1.1");
    private readonly HttpClient _http;
    private readonly SigV4 _signer;
    private readonly Uri _kms;
    private readonly Uri _s3;
    private readonly RawKmsHttp? _rawKms;
    private readonly RawS3Http? _rawS3;
    private readonly ConcurrentDictionary<int, string> _bodyHashes = new();

    public LeanHttp(BenchOptions o)
    {
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = o.Concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
        })
        { Timeout = TimeSpan.FromMinutes(5) };
        _signer = new SigV4(o.AccessKey, o.SecretKey, o.Region);
        _kms = new Uri(o.EndpointUrl ?? $"https://kms.{o.Region}.amazonaws.com");
        _rawKms = _kms.Scheme == Uri.UriSchemeHttp ? new RawKmsHttp(_kms, _signer) : null;
        _s3 = new Uri(o.EndpointUrl ?? $"https://s3.{o.Region}.amazonaws.com");
        _rawS3 = _s3.Scheme == Uri.UriSchemeHttp ? new RawS3Http(_s3, _signer) : null;
    }

    /// <summary>A KMS JSON request body that stays the same for every call, with its SHA-256 computed once.</summary>
    public sealed class JsonBody
    {
        public JsonBody(string target, Action<Utf8JsonWriter> write)
        {
            Operation = target;
            Target = "TrentService." + target;
            Bytes = Serialize(write);
            Hash = SigV4.Sha256Hex(Bytes);
        }

        public string Operation { get; }

        public string Target { get; }

        public byte[] Bytes { get; }

        public string Hash { get; }

        private static byte[] Serialize(Action<Utf8JsonWriter> write)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                write(w);
                w.WriteEndObject();
            }
            return buffer.WrittenSpan.ToArray();
        }
    }

    /// <summary>One KMS call; returns the size of the JSON response (whose secrets are zeroed once it has been read).</summary>
    public async Task<int> KmsAsync(JsonBody body, CancellationToken ct)
    {
        if (_rawKms is not null)
        {
            return await _rawKms.SendAsync(body, ct);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, _kms) { Version = HttpVersion.Version11 };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", body.Target);
        request.Content = new ByteArrayContent(body.Bytes) { Headers = { ContentType = AmzJson } };
        _signer.Sign(request, "kms", body.Hash);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        try
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new AwsHttpException(JsonErrorCode(response, bytes), response.StatusCode);
            }
            return bytes.Length;
        }
        finally
        {
            // Data keys and plaintexts travel in the response: do not leave them in the heap.
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>PUT /bucket/key with the body's SHA-256 signed (computed once per distinct size: bodies are prefixes of one buffer).</summary>
    public async Task PutObjectAsync(string bucket, string key, byte[] source, int length, IReadOnlyList<(string Name, string Value)> headers, CancellationToken ct)
    {
        var hash = _bodyHashes.GetOrAdd(length, n => SigV4.Sha256Hex(source.AsSpan(0, n)));
        if (_rawS3 is not null)
        {
            await _rawS3.PutObjectAsync(bucket, key, source.AsMemory(0, length), hash, headers, ct);
            return;
        }
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(_s3, $"/{bucket}/{key}")) { Version = HttpVersion.Version11 };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        request.Content = new ByteArrayContent(source, 0, length);
        _signer.Sign(request, "s3", hash);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        await ThrowOnS3ErrorAsync(response, ct);
    }

    /// <summary>GET /bucket/key, read to the end into <paramref name="sink"/>; returns the byte count (checked against Content-Length).</summary>
    public async Task<long> GetObjectAsync(string bucket, string key, byte[] sink, IReadOnlyList<(string Name, string Value)> headers, CancellationToken ct)
    {
        if (_rawS3 is not null)
        {
            return await _rawS3.GetObjectAsync(bucket, key, sink, headers, ct);
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_s3, $"/{bucket}/{key}")) { Version = HttpVersion.Version11 };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        _signer.Sign(request, "s3", SigV4.Sha256Hex([]));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await ThrowOnS3ErrorAsync(response, ct);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        long total = 0;
        int n;
        while ((n = await stream.ReadAsync(sink, ct)) > 0)
        {
            total += n;
        }
        if (response.Content.Headers.ContentLength is { } length && total != length)
        {
            throw new IOException($"GET {key}: {total} bytes read, Content-Length {length}.");
        }
        return total;
    }

    private static async Task ThrowOnS3ErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        throw new AwsHttpException(S3ErrorCode(body) ?? $"HTTP {(int)response.StatusCode}", response.StatusCode);
    }

    /// <summary>The <c>__type</c> of an AWS JSON error (namespace prefix dropped), else the X-Amzn-ErrorType header.</summary>
    public static string JsonErrorCode(HttpResponseMessage response, ReadOnlySpan<byte> body) =>
        JsonErrorType(body, response.Headers.TryGetValues("X-Amzn-ErrorType", out var values) ? values.FirstOrDefault() : null)
        ?? $"HTTP {(int)response.StatusCode}";

    /// <summary>The <c>__type</c> of an AWS JSON error body, else <paramref name="errorTypeHeader"/>, namespace prefix dropped; null if neither.</summary>
    public static string? JsonErrorType(ReadOnlySpan<byte> body, string? errorTypeHeader)
    {
        string? code = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isType = reader.ValueTextEquals("__type");
                    reader.Read();
                    if (isType && reader.TokenType == JsonTokenType.String)
                    {
                        code = reader.GetString();
                        break;
                    }
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, say): fall back to the header or the status.
        }
        code ??= errorTypeHeader;
        if (string.IsNullOrEmpty(code))
        {
            return null;
        }
        code = code[(code.LastIndexOf('#') + 1)..];
        var colon = code.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? code[..colon] : code;
    }

    /// <summary>The <c>Code</c> of an S3 error document, or null when the body is not one (HEAD, empty, not XML).</summary>
    public static string? S3ErrorCode(byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(body), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Code" && reader.Depth == 1)
                {
                    return reader.ReadElementContentAsString();
                }
            }
        }
        catch (XmlException)
        {
        }
        return null;
    }

    public void Dispose()
    {
        _http.Dispose();
        _rawKms?.Dispose();
        _rawS3?.Dispose();
    }
}
