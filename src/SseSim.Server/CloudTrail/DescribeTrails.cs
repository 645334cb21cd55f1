using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>
/// The trails of the caller's Region and, unless includeShadowTrails is false, the multi-Region trails of other
/// Regions; trailNameList (names or ARNs) narrows the list, and names that match no trail are left out, not refused.
/// </summary>
public static class DescribeTrails
{
    public static Task<JsonObject> ExecuteAsync(TrailContext context, JsonObject request, Caller caller)
    {
        var shadows = TrailRequest.Bool(request, "includeShadowTrails") ?? true;
        var visible = context.Store.OfAccount(caller.AccountId)
            .Where(t => t.HomeRegion == caller.Region || shadows && t.IsMultiRegionTrail)
            .ToList();
        if (request["trailNameList"] is JsonArray { Count: > 0 } names)
        {
            var wanted = names.Select((_, i) => Trails.RequiredName(new JsonObject { ["n"] = names[i]?.GetValue<string>() }, "n")).ToList();
            visible = [.. visible.Where(t => wanted.Contains(t.Name) || wanted.Contains(t.Arn))];
        }
        return Task.FromResult(new JsonObject { ["trailList"] = new JsonArray([.. visible.Select(t => (JsonNode)Trails.Describe(t))]) });
    }
}
