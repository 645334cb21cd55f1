namespace SseSim.Server.Ec2;

public static class UnlockSnapshot
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var snapshotId = call.Request.Required("SnapshotId");
        call.ThrowIfDryRun();
        await call.Volumes.UnlockSnapshotAsync(call.Caller, snapshotId, call.CancellationToken);
        using var xml = call.Response();
        return xml.Element("snapshotId", snapshotId).ToString();
    }
}
