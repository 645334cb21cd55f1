namespace SseSim.Server.Ec2;

public static class DescribeInstances
{
    public static Task<string> HandleAsync(Ec2Call call)
    {
        var ids = call.Request.List("InstanceId");
        call.ThrowIfDryRun();
        var instances = call.Volumes.DescribeInstances(call.Caller, ids.Count == 0 ? null : ids, call.Request.Filters());
        using var xml = call.Response();
        // One reservation per instance keeps the shape valid without modelling reservations.
        return Task.FromResult(xml.Items("reservationSet", instances, (x, i) => x
            .Element("reservationId", "r-" + i.InstanceId[2..])
            .Element("ownerId", call.Caller.AccountId)
            .Start("groupSet").End()
            .Items("instancesSet", [i], (y, j) => y.Instance(j))).ToString());
    }
}
