using System.Text.Json;
using SseSim.Core.Aws;
using SseSim.Core.Secrets;
using SseSim.Kms;
using SseSim.Kms.Operations;

namespace SseSim.Server.Kms;

/// <summary>
/// TrentService over AWS JSON 1.1: binds the explicit operation table to JSON, and renders every failure as
/// <c>{"__type", "message"}</c> (no "message" when it is empty) with HTTP 400 (5xx only for server faults), as real KMS
/// answers.
/// </summary>
public sealed class KmsEndpoint : IKmsOperationRegistry
{
    private delegate Task<(object Response, Type Type)> Handler(Caller caller, byte[] body, CancellationToken cancellationToken);

    private readonly Dictionary<string, Handler> _operations = new(StringComparer.Ordinal);
    private readonly KmsService _kms;

    public KmsEndpoint(KmsService kms)
    {
        _kms = kms;
        KmsOperationCatalog.RegisterAll(this);
    }

    public IReadOnlyCollection<string> Operations => _operations.Keys;

    public void Add<TRequest, TResponse>(string operation, Func<KmsCall, TRequest, ValueTask<TResponse>> handler)
        where TRequest : class, new()
    {
        _operations.Add(operation, async (caller, body, cancellationToken) =>
        {
            var request = body.Length == 0 ? new TRequest()
                : HotKmsJson.TryRead<TRequest>(body) ?? JsonSerializer.Deserialize<TRequest>(body, KmsJson.Options) ?? new TRequest();
            var response = await _kms.InvokeAsync(caller, operation, request, handler, cancellationToken);
            return (response!, typeof(TResponse));
        });
    }

    public async Task HandleAsync(HttpContext context, string operation, Caller caller, byte[] body)
    {
        if (!_operations.TryGetValue(operation, out var handler))
        {
            // Every operation of the KMS model is in the table (KmsOperationCatalog); anything else is not KMS.
            await WriteErrorAsync(context, "UnknownOperationException", $"Unknown operation {operation}");
            return;
        }
        Metrics.RequestMetrics.Tag(context, "kms", operation);
        object? response = null;
        try
        {
            (response, var type) = await handler(caller, body, context.RequestAborted);
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-amz-json-1.1";
            WriteResponse(context.Response, response, type);
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        }
        catch (KmsException e)
        {
            await WriteErrorAsync(context, e.ErrorType, e.Message, e.IsServerFault ? 500 : 400);
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(context, "SerializationException", SerializationErrors.Describe(body, e));
        }
        finally
        {
            DisposeSecrets(response);
        }
    }

    /// <summary>
    /// The JSON, whole, into the response's own buffer: its length is known first, so one write with Content-Length
    /// rather than a chunked body. The rendered copy holds base64 data keys and is zeroed once copied.
    /// </summary>
    private static void WriteResponse(HttpResponse http, object response, Type type)
    {
        if (HotKmsJson.TryRender(response) is { } hot)
        {
            using (hot)
            {
                Write(http, hot.Span);
            }
            return;
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(response, type, KmsJson.Options);
        try
        {
            Write(http, json);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(json);
        }

        static void Write(HttpResponse http, ReadOnlySpan<byte> json)
        {
            http.ContentLength = json.Length;
            json.CopyTo(http.BodyWriter.GetSpan(json.Length));
            http.BodyWriter.Advance(json.Length);
        }
    }

    // Messages quote member names ('keyId'); AWS writes them as they are, not as \u0027 (HTML-safe escaping is for pages).
    private static readonly JsonSerializerOptions ErrorJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteErrorAsync(HttpContext context, string type, string message, int status = 400)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        context.Response.Headers["x-amzn-ErrorType"] = type;
        // KMS leaves the member out when it has nothing to say (InvalidCiphertextException, KMSInvalidSignatureException,
        // ...), so SDKs that parse modeled members see no "message" at all, as AWS recordings show.
        var error = message.Length == 0
            ? new Dictionary<string, string> { ["__type"] = type }
            : new Dictionary<string, string> { ["__type"] = type, ["message"] = message };
        var json = JsonSerializer.SerializeToUtf8Bytes(error, ErrorJson);
        context.Response.ContentLength = json.Length;
        await context.Response.Body.WriteAsync(json);
    }

    /// <summary>Responses carry plaintext data keys as SecretBytes; zero them once the bytes are on the wire.</summary>
    private static void DisposeSecrets(object? response) => (response as IHoldsSecrets)?.DisposeSecrets();
}
