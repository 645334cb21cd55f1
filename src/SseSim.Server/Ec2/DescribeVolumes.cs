namespace SseSim.Server.Ec2;

public static class DescribeVolumes
{
    public static Task<string> HandleAsync(Ec2Call call)
    {
        var ids = call.Request.List("VolumeId");
        call.ThrowIfDryRun();
        var volumes = call.Volumes.DescribeVolumes(call.Caller, ids.Count == 0 ? null : ids, call.Request.Filters());
        var (page, next) = call.Page(volumes, r => r.VolumeId, "volumeSet", ids.Count > 0, max: 500);
        using var xml = call.Response();
        return Task.FromResult(xml.Items("volumeSet", page, (x, v) => x.Volume(v)).Element("nextToken", next).ToString());
    }
}
