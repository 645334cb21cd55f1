namespace SseSim.Server.Ec2;

/// <summary>
/// POST Action=RebootInstances: AWS only queues the reboot and succeeds when every instance exists and is the caller's.
/// A reboot keeps the instance on its host, so its volumes' keys stay in memory and KMS sees no call.
/// </summary>
public static class RebootInstances
{
    public static Task<string> HandleAsync(Ec2Call call)
    {
        var ids = call.RequiredInstanceIds();
        call.ThrowIfDryRun();
        call.Volumes.RebootInstances(call.Caller, ids);
        using var xml = call.Response();
        return Task.FromResult(xml.Element("return", true).ToString());
    }
}
