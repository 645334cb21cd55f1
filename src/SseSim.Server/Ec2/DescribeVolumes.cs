namespace SseSim.Server.Ec2;

public static class DescribeVolumes
{
    public static Task<string> HandleAsync(Ec2Call call)
    {
        var ids = call.Request.List("VolumeId");
        call.ThrowIfDryRun();
        var volumes = call.Volumes.DescribeVolumes(call.Caller, ids.Count == 0 ? null : ids, call.Request.Filters());
        using var xml = call.Response();
        return Task.FromResult(xml.Items("volumeSet", volumes, (x, v) => x.Volume(v)).ToString());
    }
}
