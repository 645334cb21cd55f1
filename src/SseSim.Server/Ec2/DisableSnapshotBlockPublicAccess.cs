namespace SseSim.Server.Ec2;

public static class DisableSnapshotBlockPublicAccess
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        call.ThrowIfDryRun();
        var result = await call.Volumes.SetSnapshotBlockPublicAccessAsync(call.Caller, "unblocked", call.CancellationToken);
        using var xml = call.Response();
        return xml.Element("state", result).ToString();
    }
}
