namespace SseSim.Server.Ec2;

/// <summary>
/// Resets kernel, ramdisk (stopped instances only) or sourceDestCheck, the three attributes EC2 can reset. SseSim's
/// instances always have their defaults for these (none, none, on), so only the checks have an effect.
/// </summary>
public static class ResetInstanceAttribute
{
    public static Task<string> HandleAsync(Ec2Call call)
    {
        var instanceId = call.Request.Required("InstanceId");
        var attribute = call.Request.Required("Attribute");
        if (attribute is not ("kernel" or "ramdisk" or "sourceDestCheck"))
        {
            throw Volumes.Ec2Exception.InvalidParameter($"Value ({attribute}) for parameter attribute is invalid. Only kernel, ramdisk and sourceDestCheck can be reset.");
        }
        call.ThrowIfDryRun();
        var instance = call.Volumes.DescribeInstances(call.Caller, [instanceId])[0];
        if (attribute != "sourceDestCheck" && instance.State != "stopped")
        {
            throw new Volumes.Ec2Exception("IncorrectInstanceState", $"The instance '{instanceId}' is not in the 'stopped' state.");
        }
        using var xml = call.Response();
        return Task.FromResult(xml.Element("return", true).ToString());
    }
}
