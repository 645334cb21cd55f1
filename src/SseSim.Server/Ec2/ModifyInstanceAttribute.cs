namespace SseSim.Server.Ec2;

/// <summary>
/// Changes one instance attribute, in either request form: the attribute's own member (DisableApiTermination.Value,
/// BlockDeviceMapping.N.Ebs.DeleteOnTermination, ...) or Attribute with Value. Attributes SseSim does not keep
/// (kernel, ramdisk, security groups, ENA, SR-IOV, EBS optimisation, source/destination check) are refused as unsupported.
/// </summary>
public static class ModifyInstanceAttribute
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var r = call.Request;
        var instanceId = r.Required("InstanceId");
        var change = new Volumes.InstanceAttributeChange
        {
            DisableApiTermination = r.Bool("DisableApiTermination.Value"),
            DisableApiStop = r.Bool("DisableApiStop.Value"),
            InstanceInitiatedShutdownBehavior = r.String("InstanceInitiatedShutdownBehavior.Value"),
            UserData = r.String("UserData.Value"),
            InstanceType = r.String("InstanceType.Value"),
            DeleteOnTermination = DeleteOnTermination(r),
        };
        if (r.String("Attribute") is { } attribute)
        {
            var value = r.Required("Value");
            change = attribute switch
            {
                "disableApiTermination" => change with { DisableApiTermination = Bool(value) },
                "disableApiStop" => change with { DisableApiStop = Bool(value) },
                "instanceInitiatedShutdownBehavior" => change with { InstanceInitiatedShutdownBehavior = value },
                "userData" => change with { UserData = value },
                "instanceType" => change with { InstanceType = value },
                "kernel" or "ramdisk" or "sourceDestCheck" or "groupSet" or "ebsOptimized" or "sriovNetSupport" or "enaSupport" =>
                    throw Unsupported(attribute),
                _ => throw Volumes.Ec2Exception.InvalidParameter($"Value ({attribute}) for parameter attribute is invalid. Unknown attribute."),
            };
        }
        if (r.Parameters.Keys.FirstOrDefault(k => k.Split('.')[0] is "Kernel" or "Ramdisk" or "SourceDestCheck" or "GroupId" or "EbsOptimized" or "SriovNetSupport" or "EnaSupport") is { } unsupported)
        {
            throw Unsupported(unsupported.Split('.')[0]);
        }
        if (change is { DisableApiTermination: null, DisableApiStop: null, InstanceInitiatedShutdownBehavior: null, UserData: null, InstanceType: null, DeleteOnTermination.Count: 0 })
        {
            throw new Volumes.Ec2Exception("MissingParameter", "The request must contain the parameter Attribute");
        }
        call.ThrowIfDryRun();
        await call.Volumes.ModifyInstanceAttributesAsync(call.Caller, instanceId, change, call.CancellationToken);
        using var xml = call.Response();
        return xml.Element("return", true).ToString();
    }

    private static Volumes.Ec2Exception Unsupported(string attribute) =>
        new("UnsupportedOperation", $"The attribute '{attribute}' is not simulated by SseSim.");

    private static bool Bool(string value) => bool.TryParse(value, out var b)
        ? b
        : throw Volumes.Ec2Exception.InvalidParameter($"Value ({value}) for parameter value is invalid. Expected a boolean.");

    /// <summary>BlockDeviceMapping.N.DeviceName with .Ebs.DeleteOnTermination: the only block device change EC2 allows.</summary>
    private static Dictionary<string, bool> DeleteOnTermination(Ec2Request r)
    {
        var result = new Dictionary<string, bool>(StringComparer.Ordinal);
        for (var i = 1; r.String($"BlockDeviceMapping.{i}.DeviceName") is { } device; i++)
        {
            result[device] = r.Bool($"BlockDeviceMapping.{i}.Ebs.DeleteOnTermination")
                ?? throw new Volumes.Ec2Exception("MissingParameter", "The request must contain the parameter BlockDeviceMapping.Ebs.DeleteOnTermination");
        }
        return result;
    }
}
