using System.Security.Cryptography;
using System.Text.Json.Nodes;
using SseSim.Server.Auth;
using SseSim.Server.CloudTrail;
using SseSim.Server.Kms;

namespace SseSim.Server.Admin;

/// <summary>
/// <c>POST /_ssesim/api/cloudtrail/deliver</c>: delivers the caller's account's trail log files now instead of at the
/// next 5-minute round (tests, demos). SigV4-signed like the other admin calls (service name <c>ssesim</c> by
/// convention); any identity may call, and it reaches its own account's trails only (an admin's reaches every account's).
/// Answers <c>{"Deliveries":[{"TrailARN","Objects":[keys],"Error"}]}</c>.
/// </summary>
public sealed class TrailDeliveryEndpoint(SigV4Verifier verifier, IdentityRegistry identities, TrailDelivery delivery)
{
    public const string Path = "/_ssesim/api/cloudtrail/deliver";

    public static bool Matches(HttpRequest request) => request.Path.Equals(Path, StringComparison.Ordinal);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            await KmsEndpoint.WriteErrorAsync(context, "UnknownOperationException", "Use POST.", 405);
            return;
        }
        if (request.ContentLength > 0)
        {
            await KmsEndpoint.WriteErrorAsync(context, "ValidationException", "The request has no body.");
            return;
        }
        var auth = verifier.Verify(request, SigV4Verifier.Hex(SHA256.HashData([])));
        if (!auth.Succeeded)
        {
            await KmsEndpoint.WriteErrorAsync(context, auth.Failure == AuthFailure.UnknownAccessKey ? "UnrecognizedClientException" : "InvalidSignatureException", auth.Message, 403);
            return;
        }
        var identity = auth.Request!.Identity;
        var results = await delivery.DeliverAsync(identities.IsAdmin(identity) ? null : identity.AccountId, context.RequestAborted);
        var body = new JsonObject
        {
            ["Deliveries"] = new JsonArray([.. results.Select(r => (JsonNode)new JsonObject
            {
                ["TrailARN"] = r.TrailArn,
                ["Objects"] = new JsonArray([.. r.Objects.Select(o => (JsonNode?)JsonValue.Create(o))]),
                ["Error"] = r.Error,
            })]),
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
