using System.Text.Json.Nodes;
using SseSim.Core.Aws;

namespace SseSim.Server.CloudTrail;

public static class GetTrail
{
    public static Task<JsonObject> ExecuteAsync(JsonObject request, Caller caller) =>
        throw Trails.NotFound(request, "Name", caller, byArn: false);
}
