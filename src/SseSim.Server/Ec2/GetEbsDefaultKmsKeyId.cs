namespace SseSim.Server.Ec2;

public static class GetEbsDefaultKmsKeyId
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        call.ThrowIfDryRun();
        var key = await call.Volumes.GetEbsDefaultKmsKeyIdAsync(call.Caller, call.CancellationToken);
        using var xml = call.Response();
        return xml.Element("kmsKeyId", key).ToString();
    }
}
