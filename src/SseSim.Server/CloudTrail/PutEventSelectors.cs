using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>
/// Replaces the trail's event selectors with basic EventSelectors or AdvancedEventSelectors (one kind per call, as
/// CloudTrail requires); they decide which events the trail delivers from then on.
/// </summary>
public static class PutEventSelectors
{
    public static async Task<JsonObject> ExecuteAsync(TrailContext context, JsonObject request, Caller caller)
    {
        var trail = Trails.Find(context.Store, request, "TrailName", caller, change: true);
        var basic = request["EventSelectors"] as JsonArray;
        var advanced = request["AdvancedEventSelectors"] as JsonArray;
        if (basic is not null && advanced is not null)
        {
            throw new CloudTrailException("InvalidParameterCombinationException",
                "You cannot apply both EventSelectors and AdvancedEventSelectors to a trail.");
        }
        if (basic is null && advanced is null)
        {
            throw new CloudTrailException("InvalidEventSelectorsException", "Specify either EventSelectors or AdvancedEventSelectors.");
        }
        var response = new JsonObject { ["TrailARN"] = trail.Arn };
        if (basic is not null)
        {
            var checkedSelectors = TrailSelectors.Basic(basic);
            _ = await context.Store.ChangeAsync(trail, t => t with { EventSelectors = checkedSelectors.ToJsonString(), AdvancedEventSelectors = null });
            response["EventSelectors"] = checkedSelectors;
        }
        else
        {
            var checkedSelectors = TrailSelectors.Advanced(advanced!);
            _ = await context.Store.ChangeAsync(trail, t => t with { AdvancedEventSelectors = checkedSelectors.ToJsonString(), EventSelectors = null });
            response["AdvancedEventSelectors"] = checkedSelectors;
        }
        return response;
    }
}
