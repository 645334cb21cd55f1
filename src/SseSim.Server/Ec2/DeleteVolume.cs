namespace SseSim.Server.Ec2;

public static class DeleteVolume
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var id = call.Request.Required("VolumeId");
        call.ThrowIfDryRun();
        await call.Volumes.DeleteVolumeAsync(call.Caller, id, call.CancellationToken);
        using var xml = call.Response();
        return xml.Element("return", true).ToString();
    }
}
