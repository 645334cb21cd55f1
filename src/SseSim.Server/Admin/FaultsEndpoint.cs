using System.Security.Cryptography;
using System.Text.Json;
using SseSim.Core.Faults;
using SseSim.Server.Auth;
using SseSim.Server.Kms;

namespace SseSim.Server.Admin;

/// <summary>
/// <c>GET|PUT|DELETE /_ssesim/api/faults</c>: read, change or clear the injected faults (<see cref="FaultsDocument"/>).
/// Requests are SigV4-signed (service name <c>ssesim</c> by convention) and only an admin identity may call;
/// errors are <c>{"__type","message"}</c> JSON like the KMS API's.
/// </summary>
public sealed class FaultsEndpoint(SigV4Verifier verifier, IdentityRegistry identities, FaultControl faults, KmsEndpoint kms)
{
    public const string Path = "/_ssesim/api/faults";
    private const int MaxBody = 64 * 1024;

    public static bool Matches(HttpRequest request) => request.Path.Equals(Path, StringComparison.Ordinal);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var body = new byte[Math.Min(request.ContentLength ?? 0, MaxBody + 1)];
        if (request.ContentLength > MaxBody)
        {
            await KmsEndpoint.WriteErrorAsync(context, "ValidationException", "Request body too large.", 413);
            return;
        }
        await request.Body.ReadExactlyAsync(body, context.RequestAborted);
        var auth = verifier.Verify(request, SigV4Verifier.Hex(SHA256.HashData(body)));
        if (!auth.Succeeded)
        {
            await KmsEndpoint.WriteErrorAsync(context, auth.Failure == AuthFailure.UnknownAccessKey ? "UnrecognizedClientException" : "InvalidSignatureException", auth.Message, 403);
            return;
        }
        if (!identities.IsAdmin(auth.Request!.Identity))
        {
            await KmsEndpoint.WriteErrorAsync(context, "AccessDeniedException",
                $"User: {auth.Request.Identity.Arn} is not an SseSim admin (seed identity \"admin\": true or --admin-access-key).", 403);
            return;
        }
        try
        {
            if (HttpMethods.IsPut(request.Method) || HttpMethods.IsPost(request.Method))
            {
                var update = JsonSerializer.Deserialize<FaultsDocument>(body, FaultsDocument.Json) ?? throw new ArgumentException("The body must be a JSON object.");
                CheckOperations(update);
                faults.Apply(update);
            }
            else if (HttpMethods.IsDelete(request.Method))
            {
                faults.Clear();
            }
            else if (!HttpMethods.IsGet(request.Method))
            {
                await KmsEndpoint.WriteErrorAsync(context, "UnknownOperationException", "Use GET, PUT or DELETE.", 405);
                return;
            }
        }
        catch (Exception e) when (e is ArgumentException or JsonException)
        {
            await KmsEndpoint.WriteErrorAsync(context, "ValidationException", e.Message);
            return;
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(faults.Describe(), FaultsDocument.Json), context.RequestAborted);
    }

    private void CheckOperations(FaultsDocument update)
    {
        var named = (update.Kms?.Latency ?? []).Select(l => l.Operation).Concat((update.Kms?.Errors ?? []).Select(e => e.Operation));
        foreach (var op in named)
        {
            if (op is { Length: > 0 } and not "*" && !kms.Operations.Contains(op))
            {
                throw new ArgumentException($"'{op}' is not a KMS operation.");
            }
        }
    }
}
