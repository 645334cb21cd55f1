namespace SseSim.Server.Ec2;

/// <summary>A volume's autoEnableIO flag, or its product codes (always none here).</summary>
public static class DescribeVolumeAttribute
{
    public static Task<string> HandleAsync(Ec2Call call)
    {
        var volumeId = call.Request.Required("VolumeId");
        var attribute = call.Request.Required("Attribute");
        if (attribute is not ("autoEnableIO" or "productCodes"))
        {
            throw Volumes.Ec2Exception.InvalidParameter($"Value ({attribute}) for parameter attribute is invalid. Unknown attribute.");
        }
        call.ThrowIfDryRun();
        var autoEnableIo = call.Volumes.DescribeAutoEnableIo(call.Caller, volumeId);
        using var xml = call.Response();
        xml.Element("volumeId", volumeId);
        if (attribute == "autoEnableIO")
        {
            xml.Start("autoEnableIO").Element("value", autoEnableIo).End();
        }
        else
        {
            xml.Items("productCodes", Array.Empty<string>(), (_, _) => { });
        }
        return Task.FromResult(xml.ToString());
    }
}
