using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>
/// Stores the trail's Insights selectors (ApiCallRateInsight, ApiErrorRateInsight); an empty list turns Insights off.
/// SseSim computes no Insights events, so nothing else changes (README). Event data stores are not simulated.
/// </summary>
public static class PutInsightSelectors
{
    private static readonly string[] Types = ["ApiCallRateInsight", "ApiErrorRateInsight"];

    public static async Task<JsonObject> ExecuteAsync(TrailContext context, JsonObject request, Caller caller)
    {
        if (request.ContainsKey("EventDataStore") || request.ContainsKey("InsightsDestination"))
        {
            throw new CloudTrailException("UnsupportedOperationException", "SseSim does not simulate CloudTrail Lake event data stores.");
        }
        var trail = Trails.Find(context.Store, request, "TrailName", caller, change: true);
        var selectors = request["InsightSelectors"] as JsonArray
            ?? throw new CloudTrailException("InvalidInsightSelectorsException", "InsightSelectors must be specified.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stored = new JsonArray();
        foreach (var s in selectors)
        {
            var type = s?["InsightType"]?.GetValue<string>() ?? "";
            if (!Types.Contains(type) || !seen.Add(type))
            {
                throw new CloudTrailException("InvalidInsightSelectorsException",
                    $"Invalid InsightType {type}: use ApiCallRateInsight or ApiErrorRateInsight, each at most once.");
            }
            var categories = s?["EventCategories"] as JsonArray;
            if (categories is not null && categories.Any(c => c?.GetValue<string>() != "Management"))
            {
                throw new CloudTrailException("InvalidInsightSelectorsException", "A trail's Insights selectors can only use the Management event category.");
            }
            stored.Add(new JsonObject { ["InsightType"] = type });
        }
        _ = await context.Store.ChangeAsync(trail, t => t with { InsightSelectors = stored.Count == 0 ? null : stored.ToJsonString() });
        return new JsonObject { ["TrailARN"] = trail.Arn, ["InsightSelectors"] = stored };
    }
}
