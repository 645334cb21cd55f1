namespace SseSim.Server.Ec2;

public static class ResetEbsDefaultKmsKeyId
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        call.ThrowIfDryRun();
        var key = await call.Volumes.ResetEbsDefaultKmsKeyIdAsync(call.Caller, call.CancellationToken);
        using var xml = call.Response();
        return xml.Element("kmsKeyId", key).ToString();
    }
}
