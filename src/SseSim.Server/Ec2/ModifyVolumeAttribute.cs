namespace SseSim.Server.Ec2;

/// <summary>Sets autoEnableIO, the only volume attribute EC2 lets a user change.</summary>
public static class ModifyVolumeAttribute
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var volumeId = call.Request.Required("VolumeId");
        var value = call.Request.Bool("AutoEnableIO.Value")
            ?? throw new Volumes.Ec2Exception("MissingParameter", "The request must contain the parameter AutoEnableIO");
        call.ThrowIfDryRun();
        await call.Volumes.ModifyAutoEnableIoAsync(call.Caller, volumeId, value, call.CancellationToken);
        using var xml = call.Response();
        return xml.Element("return", true).ToString();
    }
}
