namespace SseSim.Server.Ec2;

public static class DescribeSnapshots
{
    public static Task<string> HandleAsync(Ec2Call call)
    {
        var ids = call.Request.List("SnapshotId");
        call.ThrowIfDryRun();
        var snapshots = call.Volumes.DescribeSnapshots(call.Caller, ids.Count == 0 ? null : ids, call.Request.Filters());
        using var xml = call.Response();
        return Task.FromResult(xml.Items("snapshotSet", snapshots, (x, s) => x.Snapshot(s)).ToString());
    }
}
