using System.Globalization;
using SseSim.Volumes.Direct;

namespace SseSim.Server.Ebs;

public static class PutSnapshotBlock
{
    public static async Task HandleAsync(EbsCall call)
    {
        var length = int.TryParse(call.Header("x-amz-Data-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var l)
            ? l
            : throw EbsApiException.Validation("INVALID_PARAMETER_VALUE", "x-amz-Data-Length is required.");
        var checksum = call.Header("x-amz-Checksum") ?? throw EbsApiException.Validation("INVALID_PARAMETER_VALUE", "x-amz-Checksum is required.");
        var algorithm = call.Header("x-amz-Checksum-Algorithm") ?? throw EbsApiException.Validation("INVALID_PARAMETER_VALUE", "x-amz-Checksum-Algorithm is required.");
        var stored = await call.Ebs.PutSnapshotBlockAsync(call.Caller, call.Route("snapshotId"), call.RouteInt("blockIndex"), call.Body, length, checksum, algorithm, call.CancellationToken);
        call.Context.Response.StatusCode = 201;
        call.Context.Response.Headers["x-amz-Checksum"] = stored;
        call.Context.Response.Headers["x-amz-Checksum-Algorithm"] = algorithm;
        call.Context.Response.ContentType = "application/json";
        await call.Context.Response.WriteAsync("{}", call.CancellationToken);
    }
}
