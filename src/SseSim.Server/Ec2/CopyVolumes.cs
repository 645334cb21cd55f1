using SseSim.Volumes;

namespace SseSim.Server.Ec2;

/// <summary>A point-in-time copy of one volume, answered as a volumeSet of one in the creating state.</summary>
public static class CopyVolumes
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var r = call.Request;
        var source = r.Required("SourceVolumeId");
        call.ThrowIfDryRun();
        var copy = await call.Volumes.CopyVolumeAsync(call.Caller,
            new CopyVolumeRequest(source, r.Int("Size"), r.String("VolumeType"), r.Int("Iops"), r.Int("Throughput"), r.Tags("volume")), call.CancellationToken);
        using var xml = call.Response();
        return xml.Items("volumeSet", [copy], (x, v) => x.Volume(v)).ToString();
    }
}
