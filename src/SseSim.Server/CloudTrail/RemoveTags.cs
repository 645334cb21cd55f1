using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>Removes the tags with the keys given; keys the trail does not have are ignored.</summary>
public static class RemoveTags
{
    public static async Task<JsonObject> ExecuteAsync(TrailContext context, JsonObject request, Caller caller)
    {
        var trail = TrailTags.Resolve(context, TrailRequest.String(request, "ResourceId"), caller);
        var keys = TrailRequest.Tags(request["TagsList"]).Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
        _ = await context.Store.ChangeAsync(trail, t => t with { Tags = [.. t.Tags.Where(x => !keys.Contains(x.Key))] });
        return [];
    }
}
