namespace SseSim.Server.Ec2;

/// <summary>The latest modification of each volume (ModifyVolume completes at once here, so the state is completed).</summary>
public static class DescribeVolumesModifications
{
    public static Task<string> HandleAsync(Ec2Call call)
    {
        var ids = call.Request.List("VolumeId");
        var filters = call.Request.Filters();
        call.ThrowIfDryRun();
        var modifications = call.Volumes.DescribeVolumesModifications(call.Caller, ids.Count == 0 ? null : ids, filters);
        var (page, next) = call.Page(modifications, m => m.VolumeId, "VolumeId", ids.Count > 0, max: 500);
        using var xml = call.Response();
        return Task.FromResult(xml.Items("volumeModificationSet", page, (x, m) => x.VolumeModification(m)).Element("nextToken", next).ToString());
    }
}
