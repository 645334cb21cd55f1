using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>Every trail of the caller's account, in every Region (ARN, name, home Region), in one page.</summary>
public static class ListTrails
{
    public static Task<JsonObject> ExecuteAsync(TrailContext context, JsonObject request, Caller caller) =>
        Task.FromResult(new JsonObject
        {
            ["Trails"] = new JsonArray([.. context.Store.OfAccount(caller.AccountId).Select(t => (JsonNode)new JsonObject
            {
                ["TrailARN"] = t.Arn,
                ["Name"] = t.Name,
                ["HomeRegion"] = t.HomeRegion,
            })]),
        });
}
