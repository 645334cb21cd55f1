using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>Deletes the trail (in its home Region); log files already delivered stay in the bucket.</summary>
public static class DeleteTrail
{
    public static async Task<JsonObject> ExecuteAsync(TrailContext context, JsonObject request, Caller caller)
    {
        var trail = Trails.Find(context.Store, request, "Name", caller, change: true);
        await context.Store.UpdateAsync(() => (0, new[] { TrailStore.Delete(trail) }));
        return [];
    }
}
