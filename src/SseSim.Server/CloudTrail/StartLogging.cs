using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>
/// Starts delivery (in the trail's home Region): events from now on are delivered; starting a trail that logs
/// changes nothing.
/// </summary>
public static class StartLogging
{
    public static async Task<JsonObject> ExecuteAsync(TrailContext context, JsonObject request, Caller caller)
    {
        var trail = Trails.Find(context.Store, request, "Name", caller, change: true);
        var now = TrailRequest.Now(context);
        _ = await context.Store.ChangeAsync(trail, t => t.IsLogging ? t : t with
        {
            IsLogging = true,
            StartLoggingTime = now,
            // Events from before this start are not the trail's to deliver.
            DeliveredThrough = t.DeliveredThrough is { } through && through > now ? through : now,
        }) ?? throw Trails.NotFound(request, "Name", caller);
        return [];
    }
}
