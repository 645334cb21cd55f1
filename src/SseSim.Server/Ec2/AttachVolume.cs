namespace SseSim.Server.Ec2;

public static class AttachVolume
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var r = call.Request;
        var volumeId = r.Required("VolumeId");
        var instanceId = r.Required("InstanceId");
        var device = r.Required("Device");
        call.ThrowIfDryRun();
        var attachment = await call.Volumes.AttachVolumeAsync(call.Caller, volumeId, instanceId, device, call.CancellationToken);
        using var xml = call.Response();
        return xml.Attachment(attachment).ToString();
    }
}
