using System.Text.Json.Nodes;
using SseSim.Volumes.Direct;

namespace SseSim.Server.Ebs;

public static class StartSnapshot
{
    public static async Task HandleAsync(EbsCall call)
    {
        var body = call.Json() ?? throw EbsApiException.Validation("INVALID_PARAMETER_VALUE", "VolumeSize is required.");
        var size = body["VolumeSize"]?.GetValue<long>() ?? throw EbsApiException.Validation("INVALID_PARAMETER_VALUE", "VolumeSize is required.");
        var tags = (body["Tags"] as JsonArray)?.Select(t => new Volumes.Tag(t?["Key"]?.GetValue<string>() ?? "", t?["Value"]?.GetValue<string>() ?? "")).ToList();
        var r = await call.Ebs.StartSnapshotAsync(call.Caller, new StartSnapshotRequest
        {
            VolumeSize = size,
            ParentSnapshotId = body["ParentSnapshotId"]?.GetValue<string>(),
            Encrypted = body["Encrypted"]?.GetValue<bool>(),
            KmsKeyArn = body["KmsKeyArn"]?.GetValue<string>(),
            Timeout = body["Timeout"]?.GetValue<int>(),
            ClientToken = body["ClientToken"]?.GetValue<string>(),
            Description = body["Description"]?.GetValue<string>(),
            Tags = tags,
        }, call.CancellationToken);
        await call.WriteJsonAsync(201, new JsonObject
        {
            ["Description"] = r.Description,
            ["SnapshotId"] = r.SnapshotId,
            ["OwnerId"] = r.OwnerId,
            ["Status"] = r.Status,
            ["StartTime"] = EbsCall.Epoch(r.StartTime),
            ["VolumeSize"] = r.VolumeSize,
            ["BlockSize"] = r.BlockSize,
            // Left out when there are none, as AWS does (not "Tags": []).
            ["Tags"] = r.Tags.Count == 0 ? null : EbsCall.TagsJson(r.Tags),
            ["ParentSnapshotId"] = r.ParentSnapshotId,
            ["KmsKeyArn"] = r.KmsKeyArn,
            ["SseType"] = r.SseType,
        });
    }
}
