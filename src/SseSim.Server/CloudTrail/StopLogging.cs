using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>Stops logging (in the trail's home Region); events up to now are still delivered, at the next delivery.</summary>
public static class StopLogging
{
    public static async Task<JsonObject> ExecuteAsync(TrailContext context, JsonObject request, Caller caller)
    {
        var trail = Trails.Find(context.Store, request, "Name", caller, change: true);
        var now = TrailRequest.Now(context);
        _ = await context.Store.ChangeAsync(trail, t => !t.IsLogging ? t : t with { IsLogging = false, StopLoggingTime = now })
            ?? throw Trails.NotFound(request, "Name", caller);
        return [];
    }
}
