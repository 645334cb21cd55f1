namespace SseSim.Server.Ec2;

public static class RunInstances
{
    public static async Task<string> HandleAsync(Ec2Call call)
    {
        var r = call.Request;
        var min = r.Int("MinCount") ?? throw new Volumes.Ec2Exception("MissingParameter", "The request must contain the parameter MinCount");
        var max = r.Int("MaxCount") ?? throw new Volumes.Ec2Exception("MissingParameter", "The request must contain the parameter MaxCount");
        if (min < 1 || max < min)
        {
            throw new Volumes.Ec2Exception("InvalidParameterValue", $"Invalid MinCount ({min}) / MaxCount ({max}).");
        }
        call.ThrowIfDryRun();
        var instances = await call.Volumes.RunInstancesAsync(call.Caller, new Volumes.RunInstancesRequest
        {
            AvailabilityZone = r.String("Placement.AvailabilityZone") ?? call.DefaultZone,
            Count = max,
            InstanceType = r.String("InstanceType") ?? "m1.small",
            ImageId = r.String("ImageId"),
            Tags = r.Tags("instance"),
            Volumes = LaunchVolumes(r),
            VolumeTags = r.Tags("volume"),
            Attributes = new Volumes.InstanceAttributes
            {
                DisableApiTermination = r.Bool("DisableApiTermination") ?? false,
                DisableApiStop = r.Bool("DisableApiStop") ?? false,
                InstanceInitiatedShutdownBehavior = r.String("InstanceInitiatedShutdownBehavior") ?? "stop",
                UserData = r.String("UserData"),
            },
        }, call.CancellationToken);
        using var xml = call.Response();
        return xml.Element("reservationId", "r-" + instances[0].InstanceId[2..])
            .Element("ownerId", call.Caller.AccountId)
            .Start("groupSet").End()
            .Items("instancesSet", instances, (x, i) => x.Instance(i))
            .ToString();
    }

    /// <summary>BlockDeviceMapping.N with an Ebs member; NoDevice and instance-store (VirtualName) entries add nothing.</summary>
    private static List<Volumes.LaunchVolumeRequest> LaunchVolumes(Ec2Request r)
    {
        var volumes = new List<Volumes.LaunchVolumeRequest>();
        for (var i = 1; r.Parameters.Keys.Any(k => k.StartsWith($"BlockDeviceMapping.{i}.", StringComparison.Ordinal)); i++)
        {
            var prefix = $"BlockDeviceMapping.{i}.";
            var device = r.Required(prefix + "DeviceName");
            if (r.String(prefix + "NoDevice") is not null || !r.Parameters.Keys.Any(k => k.StartsWith(prefix + "Ebs.", StringComparison.Ordinal)))
            {
                continue;
            }
            volumes.Add(new Volumes.LaunchVolumeRequest
            {
                DeviceName = device,
                Size = r.Int(prefix + "Ebs.VolumeSize"),
                VolumeType = r.String(prefix + "Ebs.VolumeType"),
                Iops = r.Int(prefix + "Ebs.Iops"),
                Throughput = r.Int(prefix + "Ebs.Throughput"),
                Encrypted = r.Bool(prefix + "Ebs.Encrypted"),
                KmsKeyId = r.String(prefix + "Ebs.KmsKeyId"),
                SnapshotId = r.String(prefix + "Ebs.SnapshotId"),
                DeleteOnTermination = r.Bool(prefix + "Ebs.DeleteOnTermination") ?? true,
            });
        }
        return volumes;
    }
}
