namespace SseSim.Server.Ec2;

public static class CreateSnapshot
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var r = call.Request;
        var volumeId = r.Required("VolumeId");
        call.ThrowIfDryRun();
        var snapshot = await call.Volumes.CreateSnapshotAsync(call.Caller, volumeId, r.String("Description"), r.Tags("snapshot"), call.CancellationToken);
        using var xml = call.Response();
        return xml.Snapshot(snapshot).ToString();
    }
}
