using SseSim.Volumes;

namespace SseSim.Server.Ec2;

/// <summary>Takes back every share of a snapshot (createVolumePermission back to the owner only).</summary>
public static class ResetSnapshotAttribute
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var snapshotId = call.Request.Required("SnapshotId");
        var attribute = call.Request.Required("Attribute");
        if (attribute != "createVolumePermission")
        {
            throw Ec2Exception.InvalidParameter($"Value ({attribute}) for parameter attribute is invalid. Only createVolumePermission can be reset.");
        }
        call.ThrowIfDryRun();
        var current = call.Volumes.DescribeCreateVolumePermission(call.Caller, snapshotId);
        if (current.Count > 0)
        {
            await call.Volumes.ModifyCreateVolumePermissionAsync(call.Caller, snapshotId, [], current, call.CancellationToken);
        }
        using var xml = call.Response();
        return xml.Element("return", true).ToString();
    }
}
