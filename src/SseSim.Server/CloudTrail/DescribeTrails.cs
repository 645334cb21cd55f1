using System.Text.Json.Nodes;
using SseSim.Core.Aws;

namespace SseSim.Server.CloudTrail;

/// <summary>No trails exist; names in trailNameList that match none are not an error (AWS returns only matches).</summary>
public static class DescribeTrails
{
    public static Task<JsonObject> ExecuteAsync(JsonObject request, Caller caller)
    {
        if (request["trailNameList"] is { } names && names is not JsonArray)
        {
            throw new FormatException();
        }
        return Task.FromResult(new JsonObject { ["trailList"] = new JsonArray() });
    }
}
