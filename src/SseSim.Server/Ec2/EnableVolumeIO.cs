namespace SseSim.Server.Ec2;

/// <summary>
/// Re-enables I/O on a volume EC2 suspended as possibly inconsistent. SseSim never suspends a volume's I/O (a block
/// that fails its tag is an I/O error, not a suspension), so for an existing volume of the caller this always succeeds.
/// </summary>
public static class EnableVolumeIO
{
    public static Task<string> HandleAsync(Ec2Call call)
    {
        var volumeId = call.Request.Required("VolumeId");
        call.ThrowIfDryRun();
        call.Volumes.DescribeVolumes(call.Caller, [volumeId]);
        using var xml = call.Response();
        return Task.FromResult(xml.Element("return", true).ToString());
    }
}
