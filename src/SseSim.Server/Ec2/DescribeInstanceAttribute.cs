namespace SseSim.Server.Ec2;

/// <summary>
/// One instance attribute. The ones SseSim keeps (type, block devices, protection flags, shutdown behaviour, user
/// data) are the instance's; the rest answer what an HVM instance without extras has: no kernel, ramdisk, product
/// codes or security groups, source/destination check on, ENA on, EBS optimisation and enclaves off.
/// </summary>
public static class DescribeInstanceAttribute
{
    public static Task<string> HandleAsync(Ec2Call call)
    {
        var instanceId = call.Request.Required("InstanceId");
        var attribute = call.Request.Required("Attribute");
        call.ThrowIfDryRun();
        var instance = call.Volumes.DescribeInstances(call.Caller, [instanceId])[0];
        var a = call.Volumes.DescribeInstanceAttributes(call.Caller, instanceId);
        using var xml = call.Response();
        xml.Element("instanceId", instanceId);
        _ = attribute switch
        {
            "instanceType" => Value(xml, attribute, instance.InstanceType),
            "kernel" or "ramdisk" or "rootDeviceName" or "sriovNetSupport" => xml.Start(attribute).End(),
            "userData" => a.UserData is null ? xml.Start(attribute).End() : Value(xml, attribute, a.UserData),
            "disableApiTermination" => Value(xml, attribute, a.DisableApiTermination),
            "disableApiStop" => Value(xml, attribute, a.DisableApiStop),
            "instanceInitiatedShutdownBehavior" => Value(xml, attribute, a.InstanceInitiatedShutdownBehavior),
            "blockDeviceMapping" => xml.Items(attribute, instance.BlockDevices, (x, d) => x.BlockDevice(d)),
            "productCodes" or "groupSet" => xml.Items(attribute, Array.Empty<string>(), (_, _) => { }),
            "sourceDestCheck" or "enaSupport" => Value(xml, attribute, true),
            "ebsOptimized" => Value(xml, attribute, false),
            "enclaveOptions" => xml.Start(attribute).Element("enabled", false).End(),
            _ => throw Volumes.Ec2Exception.InvalidParameter($"Value ({attribute}) for parameter attribute is invalid. Unknown attribute."),
        };
        return Task.FromResult(xml.ToString());
    }

    private static Ec2Xml Value(Ec2Xml xml, string attribute, string value) => xml.Start(attribute).Element("value", value).End();

    private static Ec2Xml Value(Ec2Xml xml, string attribute, bool value) => xml.Start(attribute).Element("value", value).End();
}
