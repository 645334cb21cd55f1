namespace SseSim.Server.Ec2;

public static class DescribeInstances
{
    public static Task<string> HandleAsync(Ec2Call call)
    {
        var ids = call.Request.List("InstanceId");
        call.ThrowIfDryRun();
        var instances = call.Volumes.DescribeInstances(call.Caller, ids.Count == 0 ? null : ids, call.Request.Filters());
        var (page, next) = call.Page(instances, i => i.InstanceId, "instanceIdSet", ids.Count > 0, max: 1000);
        using var xml = call.Response();
        // One reservation per instance keeps the shape valid without modelling reservations.
        return Task.FromResult(xml.Items("reservationSet", page, (x, i) => x
            .Element("reservationId", "r-" + i.InstanceId[2..])
            .Element("ownerId", call.Caller.AccountId)
            .Start("groupSet").End()
            .Items("instancesSet", [i], (y, j) => y.Instance(j))).Element("nextToken", next).ToString());
    }
}
