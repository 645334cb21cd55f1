namespace SseSim.Server.Ec2;

public static class GetEbsEncryptionByDefault
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        call.ThrowIfDryRun();
        var enabled = await call.Volumes.GetEbsEncryptionByDefaultAsync(call.Caller);
        using var xml = call.Response();
        return xml.Element("ebsEncryptionByDefault", enabled).Element("sseType", "sse-ebs").ToString();
    }
}
