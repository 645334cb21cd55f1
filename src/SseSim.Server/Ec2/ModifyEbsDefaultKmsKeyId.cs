namespace SseSim.Server.Ec2;

public static class ModifyEbsDefaultKmsKeyId
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var keyId = call.Request.Required("KmsKeyId");
        call.ThrowIfDryRun();
        var key = await call.Volumes.ModifyEbsDefaultKmsKeyIdAsync(call.Caller, keyId, call.CancellationToken);
        using var xml = call.Response();
        return xml.Element("kmsKeyId", key).ToString();
    }
}
