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
        return xml.Start("volumeModification")
            .Element("volumeId", m.VolumeId)
            .Element("modificationState", m.ModificationState)
            .Element("targetSize", m.TargetSize)
            .Element("targetIops", m.TargetIops)
            .Element("targetVolumeType", m.TargetVolumeType)
            .Element("targetThroughput", m.TargetThroughput)
            .Element("targetMultiAttachEnabled", false)
            .Element("originalSize", m.OriginalSize)
            .Element("originalIops", m.OriginalIops)
            .Element("originalVolumeType", m.OriginalVolumeType)
            .Element("originalThroughput", m.OriginalThroughput)
            .Element("originalMultiAttachEnabled", false)
            .Element("progress", m.ModificationState == "completed" ? 100 : 0)
            .Element("startTime", m.StartTime)
            .End().ToString();
    }
}
