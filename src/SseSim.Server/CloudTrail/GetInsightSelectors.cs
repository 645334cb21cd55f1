using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>The trail's Insights selectors; a trail without them is InsightNotEnabledException, as CloudTrail answers.</summary>
public static class GetInsightSelectors
{
    public static Task<JsonObject> ExecuteAsync(TrailContext context, JsonObject request, Caller caller)
    {
        if (request.ContainsKey("EventDataStore"))
        {
            throw new CloudTrailException("UnsupportedOperationException", "SseSim does not simulate CloudTrail Lake event data stores.");
        }
        var trail = Trails.Find(context.Store, request, "TrailName", caller, change: false);
        if (trail.InsightSelectors is not { } selectors)
        {
            throw new CloudTrailException("InsightNotEnabledException", $"Trail {trail.Arn} does not have Insights enabled.");
        }
        return Task.FromResult(new JsonObject { ["TrailARN"] = trail.Arn, ["InsightSelectors"] = JsonNode.Parse(selectors) });
    }
}
