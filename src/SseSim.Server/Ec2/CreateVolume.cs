namespace SseSim.Server.Ec2;

public static class CreateVolume
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var r = call.Request;
        var zone = r.Required("AvailabilityZone");
        call.ThrowIfDryRun();
        var volume = await call.Volumes.CreateVolumeAsync(call.Caller, new Volumes.CreateVolumeRequest
        {
            AvailabilityZone = zone,
            Size = r.Int("Size"),
            VolumeType = r.String("VolumeType"),
            Iops = r.Int("Iops"),
            Throughput = r.Int("Throughput"),
            Encrypted = r.Bool("Encrypted"),
            KmsKeyId = r.String("KmsKeyId"),
            SnapshotId = r.String("SnapshotId"),
            Tags = r.Tags("volume"),
        }, call.CancellationToken);
        using var xml = call.Response();
        return xml.Volume(volume).ToString();
    }
}
