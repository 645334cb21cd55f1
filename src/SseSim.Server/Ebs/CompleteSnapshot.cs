using System.Globalization;
using System.Text.Json.Nodes;
using SseSim.Volumes.Direct;

namespace SseSim.Server.Ebs;

public static class CompleteSnapshot
{
    public static async Task HandleAsync(EbsCall call)
    {
        var count = int.TryParse(call.Header("x-amz-ChangedBlocksCount"), NumberStyles.None, CultureInfo.InvariantCulture, out var c)
            ? c
            : throw EbsApiException.Validation("INVALID_PARAMETER_VALUE", "x-amz-ChangedBlocksCount is required.");
        var status = await call.Ebs.CompleteSnapshotAsync(call.Caller, call.Route("snapshotId"), count,
            call.Header("x-amz-Checksum"), call.Header("x-amz-Checksum-Algorithm"), call.Header("x-amz-Checksum-Aggregation-Method"), call.CancellationToken);
        await call.WriteJsonAsync(202, new JsonObject { ["Status"] = status });
    }
}
