namespace SseSim.Server.Ec2;

/// <summary>Enables fast snapshot restore per snapshot and zone; failures are per item, in the unsuccessful set.</summary>
public static class EnableFastSnapshotRestores
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var (zones, snapshots) = (call.Request.List("AvailabilityZone"), call.Request.List("SourceSnapshotId"));
        call.ThrowIfDryRun();
        var (ok, failed) = await call.Volumes.EnableFastSnapshotRestoresAsync(call.Caller, zones, snapshots, call.CancellationToken);
        using var xml = call.Response();
        return xml.FastSnapshotRestoreResult(ok, failed).ToString();
    }
}
