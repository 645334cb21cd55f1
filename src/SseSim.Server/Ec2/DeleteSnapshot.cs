namespace SseSim.Server.Ec2;

public static class DeleteSnapshot
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var id = call.Request.Required("SnapshotId");
        call.ThrowIfDryRun();
        await call.Volumes.DeleteSnapshotAsync(call.Caller, id, call.CancellationToken);
        using var xml = call.Response();
        return xml.Element("return", true).ToString();
    }
}
