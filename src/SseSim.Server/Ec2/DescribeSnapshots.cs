namespace SseSim.Server.Ec2;

public static class DescribeSnapshots
{
    public static Task<string> HandleAsync(Ec2Call call)
    {
        var ids = call.Request.List("SnapshotId");
        call.ThrowIfDryRun();
        var snapshots = call.Volumes.DescribeSnapshots(call.Caller, ids.Count == 0 ? null : ids, call.Request.Filters(),
            call.Request.List("Owner"), call.Request.List("RestorableBy"));
        var (page, next) = call.Page(snapshots, r => r.SnapshotId, "snapshotSet", ids.Count > 0, max: 1000);
        using var xml = call.Response();
        return Task.FromResult(xml.Items("snapshotSet", page, (x, s) => x.Snapshot(s)).Element("nextToken", next).ToString());
    }
}
