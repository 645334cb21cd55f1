using System.Globalization;
using SseSim.Volumes.Direct;

namespace SseSim.Server.Ebs;

public static class GetSnapshotBlock
{
    public static async Task HandleAsync(EbsCall call)
    {
        var token = call.Query("blockToken") ?? throw EbsApiException.Validation("INVALID_BLOCK_TOKEN", "blockToken is required.");
        var block = await call.Ebs.GetSnapshotBlockAsync(call.Caller, call.Route("snapshotId"), call.RouteInt("blockIndex"), token, call.CancellationToken);
        var response = call.Context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/octet-stream";
        response.Headers["x-amz-Data-Length"] = block.DataLength.ToString(CultureInfo.InvariantCulture);
        response.Headers["x-amz-Checksum"] = block.Checksum;
        response.Headers["x-amz-Checksum-Algorithm"] = block.ChecksumAlgorithm;
        response.ContentLength = block.DataLength;
        await response.Body.WriteAsync(block.BlockData.AsMemory(0, block.DataLength), call.CancellationToken);
    }
}
