using SseSim.Volumes;

namespace SseSim.Server.Ec2;

/// <summary>
/// Instance status checks (what `aws ec2 wait instance-status-ok` polls). The simulator's instances have no failing
/// hosts, so a running instance's system, instance and attached-EBS checks pass; other states are listed only with
/// IncludeAllInstances, with every check not-applicable, as EC2 reports them. No events are ever scheduled.
/// </summary>
public static class DescribeInstanceStatus
{
    public static Task<string> HandleAsync(Ec2Call call)
    {
        var ids = call.Request.List("InstanceId");
        var filters = call.Request.Filters();
        var includeAll = call.Request.Bool("IncludeAllInstances") == true;
        call.ThrowIfDryRun();
        var statuses = call.Volumes.DescribeInstances(call.Caller, ids.Count == 0 ? null : ids)
            .Where(i => includeAll || i.State == "running")
            .Select(i => (Instance: i, Status: i.State == "running" ? "ok" : "not-applicable"))
            .Where(s => FilterMatch.All(filters, name => name switch
            {
                "availability-zone" => [s.Instance.AvailabilityZone],
                "instance-state-name" => [s.Instance.State],
                "instance-state-code" => [Ec2Xml.StateCode(s.Instance.State).ToString(System.Globalization.CultureInfo.InvariantCulture)],
                "instance-status.status" or "system-status.status" => [s.Status],
                "instance-status.reachability" or "system-status.reachability" => s.Status == "ok" ? ["passed"] : [],
                "event.code" or "event.description" or "event.instance-event-id" or "event.not-after" or "event.not-before"
                    or "event.not-before-deadline" => [],
                _ => throw Ec2Exception.InvalidFilter(name),
            }))
            .ToList();
        var (page, next) = call.Page(statuses, s => s.Instance.InstanceId, "instanceIdSet", ids.Count > 0, max: 1000);
        using var xml = call.Response();
        return Task.FromResult(xml.Items("instanceStatusSet", page, (x, s) => x
                .Element("instanceId", s.Instance.InstanceId)
                .Element("availabilityZone", s.Instance.AvailabilityZone)
                .Element("availabilityZoneId", AvailabilityZones.IdOf(call.Caller.Region, s.Instance.AvailabilityZone))
                .Items("eventsSet", Array.Empty<string>(), (_, _) => { })
                .State("instanceState", s.Instance.State)
                .Summary("systemStatus", s.Status)
                .Summary("instanceStatus", s.Status)
                .Summary("attachedEbsStatus", s.Status))
            .Element("nextToken", next).ToString());
    }

    /// <summary>A status summary: "ok" with its reachability check passed, or "not-applicable" with no details.</summary>
    private static Ec2Xml Summary(this Ec2Xml x, string name, string status)
    {
        x.Start(name).Element("status", status);
        if (status == "ok")
        {
            x.Items("details", [("reachability", "passed")], (d, c) => d.Element("name", c.Item1).Element("status", c.Item2));
        }
        return x.End();
    }
}
