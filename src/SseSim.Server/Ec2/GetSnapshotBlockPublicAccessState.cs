namespace SseSim.Server.Ec2;

public static class GetSnapshotBlockPublicAccessState
{
    public static Task<string> HandleAsync(Ec2Call call)
    {
        call.ThrowIfDryRun();
        using var xml = call.Response();
        // No organizations here, so no declarative policy ever manages the setting.
        return Task.FromResult(xml.Element("state", call.Volumes.GetSnapshotBlockPublicAccessState(call.Caller)).Element("managedBy", "account").ToString());
    }
}
