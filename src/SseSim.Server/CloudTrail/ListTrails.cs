using System.Text.Json.Nodes;
using SseSim.Core.Aws;

namespace SseSim.Server.CloudTrail;

public static class ListTrails
{
    public static Task<JsonObject> ExecuteAsync(JsonObject request, Caller caller) =>
        Task.FromResult(new JsonObject { ["Trails"] = new JsonArray() });
}
