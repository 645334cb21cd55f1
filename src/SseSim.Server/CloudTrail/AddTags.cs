using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>Adds tags to a trail (a key already there takes the new value); at most 50 per trail.</summary>
public static class AddTags
{
    public static async Task<JsonObject> ExecuteAsync(TrailContext context, JsonObject request, Caller caller)
    {
        var trail = TrailTags.Resolve(context, TrailRequest.String(request, "ResourceId"), caller);
        var tags = TrailRequest.Tags(request["TagsList"]);
        _ = await context.Store.ChangeAsync(trail, t => t with { Tags = TrailRequest.Merge(t.Tags, tags) });
        return [];
    }
}
