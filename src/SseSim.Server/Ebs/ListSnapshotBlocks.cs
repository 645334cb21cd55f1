using System.Text.Json.Nodes;

namespace SseSim.Server.Ebs;

public static class ListSnapshotBlocks
{
    public static async Task HandleAsync(EbsCall call)
    {
        var r = call.Ebs.ListSnapshotBlocks(call.Caller, call.Route("snapshotId"), call.QueryInt("startingBlockIndex"), call.QueryInt("maxResults"), call.Query("pageToken"));
        await call.WriteJsonAsync(200, new JsonObject
        {
            ["Blocks"] = new JsonArray(r.Blocks.Select(b => (JsonNode)new JsonObject { ["BlockIndex"] = b.BlockIndex, ["BlockToken"] = b.BlockToken }).ToArray()),
            ["ExpiryTime"] = EbsCall.Epoch(r.ExpiryTime),
            ["VolumeSize"] = r.VolumeSize,
            ["BlockSize"] = r.BlockSize,
            ["NextToken"] = r.NextToken,
        });
    }
}
