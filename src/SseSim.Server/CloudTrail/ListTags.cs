using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>The tags of each trail named in ResourceIdList (ARNs), in one page.</summary>
public static class ListTags
{
    public static Task<JsonObject> ExecuteAsync(TrailContext context, JsonObject request, Caller caller)
    {
        var list = new JsonArray();
        foreach (var id in request["ResourceIdList"] as JsonArray ?? [])
        {
            var trail = TrailTags.Resolve(context, id?.GetValue<string>(), caller);
            list.Add(new JsonObject { ["ResourceId"] = trail.Arn, ["TagsList"] = TrailRequest.TagList(trail.Tags) });
        }
        return Task.FromResult(new JsonObject { ["ResourceTagList"] = list });
    }
}
