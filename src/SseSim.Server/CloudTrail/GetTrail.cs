using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>The trail's settings; a trail not found is named as given (recorded get-trail transcripts).</summary>
public static class GetTrail
{
    public static Task<JsonObject> ExecuteAsync(TrailContext context, JsonObject request, Caller caller)
    {
        var trail = Trails.Find(context.Store, request, "Name", caller, change: false, notFoundByArn: false);
        return Task.FromResult(new JsonObject { ["Trail"] = Trails.Describe(trail) });
    }
}
