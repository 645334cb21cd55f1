using SseSim.Volumes;

namespace SseSim.Server.Ec2;

/// <summary>The accounts a snapshot is shared with (createVolumePermission), or its product codes (always none here).</summary>
public static class DescribeSnapshotAttribute
{
    public static Task<string> HandleAsync(Ec2Call call)
    {
        var snapshotId = call.Request.Required("SnapshotId");
        var attribute = call.Request.Required("Attribute");
        if (attribute is not ("createVolumePermission" or "productCodes"))
        {
            throw Ec2Exception.InvalidParameter($"Value ({attribute}) for parameter attribute is invalid. Unknown attribute.");
        }
        call.ThrowIfDryRun();
        var permissions = call.Volumes.DescribeCreateVolumePermission(call.Caller, snapshotId);
        using var xml = call.Response();
        xml.Element("snapshotId", snapshotId);
        if (attribute == "createVolumePermission")
        {
            xml.Items("createVolumePermission", permissions, (x, p) => x.Element(p == "all" ? "group" : "userId", p));
        }
        else
        {
            xml.Items("productCodes", Array.Empty<string>(), (_, _) => { });
        }
        return Task.FromResult(xml.ToString());
    }
}
