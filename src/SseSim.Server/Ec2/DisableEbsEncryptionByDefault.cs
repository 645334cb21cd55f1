namespace SseSim.Server.Ec2;

public static class DisableEbsEncryptionByDefault
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        call.ThrowIfDryRun();
        var enabled = await call.Volumes.DisableEbsEncryptionByDefaultAsync(call.Caller, call.CancellationToken);
        using var xml = call.Response();
        return xml.Element("ebsEncryptionByDefault", enabled).ToString();
    }
}
