using System.Text.Json.Nodes;

namespace SseSim.Server.Ebs;

public static class ListChangedBlocks
{
    public static async Task HandleAsync(EbsCall call)
    {
        var r = call.Ebs.ListChangedBlocks(call.Caller, call.Query("firstSnapshotId"), call.Route("secondSnapshotId"), call.QueryInt("startingBlockIndex"), call.QueryInt("maxResults"), call.Query("pageToken"));
        await call.WriteJsonAsync(200, new JsonObject
        {
            ["ChangedBlocks"] = new JsonArray(r.ChangedBlocks.Select(b =>
            {
                var o = new JsonObject { ["BlockIndex"] = b.BlockIndex };
                if (b.FirstBlockToken is not null)
                {
                    o["FirstBlockToken"] = b.FirstBlockToken;
                }
                if (b.SecondBlockToken is not null)
                {
                    o["SecondBlockToken"] = b.SecondBlockToken;
                }
                return (JsonNode)o;
            }).ToArray()),
            ["ExpiryTime"] = EbsCall.Epoch(r.ExpiryTime),
            ["VolumeSize"] = r.VolumeSize,
            ["BlockSize"] = r.BlockSize,
            ["NextToken"] = r.NextToken,
        });
    }
}
