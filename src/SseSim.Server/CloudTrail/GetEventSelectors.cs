using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>The trail's selectors: its advanced ones, or its basic ones (the default selector if none were put).</summary>
public static class GetEventSelectors
{
    public static Task<JsonObject> ExecuteAsync(TrailContext context, JsonObject request, Caller caller)
    {
        var trail = Trails.Find(context.Store, request, "TrailName", caller, change: false);
        var response = new JsonObject { ["TrailARN"] = trail.Arn };
        if (trail.AdvancedEventSelectors is { } advanced)
        {
            response["AdvancedEventSelectors"] = JsonNode.Parse(advanced);
        }
        else
        {
            response["EventSelectors"] = trail.EventSelectors is { } basic ? JsonNode.Parse(basic) : TrailSelectors.Default();
        }
        return Task.FromResult(response);
    }
}
