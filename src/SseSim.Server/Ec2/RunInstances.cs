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
        }, call.CancellationToken);
        using var xml = call.Response();
        return xml.Element("reservationId", "r-" + instances[0].InstanceId[2..])
            .Element("ownerId", call.Caller.AccountId)
            .Start("groupSet").End()
            .Items("instancesSet", instances, (x, i) => x.Instance(i))
            .ToString();
    }
}
