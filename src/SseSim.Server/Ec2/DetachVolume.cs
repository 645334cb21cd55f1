namespace SseSim.Server.Ec2;

public static class DetachVolume
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var r = call.Request;
        var volumeId = r.Required("VolumeId");
        call.ThrowIfDryRun();
        var attachment = await call.Volumes.DetachVolumeAsync(call.Caller, volumeId, r.String("InstanceId"), r.String("Device"), r.Bool("Force") ?? false, call.CancellationToken);
        using var xml = call.Response();
        return xml.Attachment(attachment).ToString();
    }
}
