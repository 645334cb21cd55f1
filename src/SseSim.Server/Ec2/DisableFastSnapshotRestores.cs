namespace SseSim.Server.Ec2;

public static class DisableFastSnapshotRestores
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var (zones, snapshots) = (call.Request.List("AvailabilityZone"), call.Request.List("SourceSnapshotId"));
        call.ThrowIfDryRun();
        var (ok, failed) = await call.Volumes.DisableFastSnapshotRestoresAsync(call.Caller, zones, snapshots, call.CancellationToken);
        using var xml = call.Response();
        return xml.FastSnapshotRestoreResult(ok, failed).ToString();
    }
}
