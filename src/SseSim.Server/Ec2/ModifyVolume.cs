namespace SseSim.Server.Ec2;

public static class ModifyVolume
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var r = call.Request;
        var volumeId = r.Required("VolumeId");
        call.ThrowIfDryRun();
        var m = await call.Volumes.ModifyVolumeAsync(call.Caller, new Volumes.ModifyVolumeRequest
        {
            VolumeId = volumeId,
            Size = r.Int("Size"),
            VolumeType = r.String("VolumeType"),
            Iops = r.Int("Iops"),
            Throughput = r.Int("Throughput"),
        }, call.CancellationToken);
        using var xml = call.Response();
        return xml.Start("volumeModification").VolumeModification(m).End().ToString();
    }
}
