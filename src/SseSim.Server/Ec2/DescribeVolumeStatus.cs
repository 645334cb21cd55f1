using SseSim.Volumes;

namespace SseSim.Server.Ec2;

/// <summary>
/// Volume status checks. The simulator's volumes have no failing hosts, so every volume's checks pass: status ok,
/// io-enabled passed, and io-performance normal for Provisioned IOPS volumes (not-applicable for the others, as
/// EC2 reports it). No events or actions are ever scheduled.
/// </summary>
public static class DescribeVolumeStatus
{
    public static Task<string> HandleAsync(Ec2Call call)
    {
        var ids = call.Request.List("VolumeId");
        var filters = call.Request.Filters();
        call.ThrowIfDryRun();
        var statuses = call.Volumes.DescribeVolumes(call.Caller, ids.Count == 0 ? null : ids)
            .Select(v => (Volume: v, IoPerformance: v.VolumeType is "io1" or "io2" ? "normal" : "not-applicable"))
            .Where(s => FilterMatch.All(filters, name => name switch
            {
                "availability-zone" => [s.Volume.AvailabilityZone],
                "volume-status.status" => ["ok"],
                "volume-status.details-name" => ["io-enabled", "io-performance"],
                "volume-status.details-status" => ["passed", s.IoPerformance],
                "event.description" or "event.event-id" or "event.event-type" or "event.not-after" or "event.not-before"
                    or "action.code" or "action.description" or "action.event-id" => [],
                _ => throw Ec2Exception.InvalidFilter(name),
            }))
            .ToList();
        var (page, next) = call.Page(statuses, s => s.Volume.VolumeId, "volumeId", ids.Count > 0, max: 1000);
        using var xml = call.Response();
        return Task.FromResult(xml.Items("volumeStatusSet", page, (x, s) => x
                .Element("volumeId", s.Volume.VolumeId)
                .Element("availabilityZone", s.Volume.AvailabilityZone)
                .Element("availabilityZoneId", AvailabilityZones.IdOf(call.Caller.Region, s.Volume.AvailabilityZone))
                .Start("volumeStatus")
                .Element("status", "ok")
                .Items("details", [("io-enabled", "passed"), ("io-performance", s.IoPerformance)], (d, c) => d.Element("name", c.Item1).Element("status", c.Item2))
                .End()
                .Items("eventsSet", Array.Empty<string>(), (_, _) => { })
                .Items("actionsSet", Array.Empty<string>(), (_, _) => { })
                .Items("attachmentStatuses", s.Volume.Attachments, (a, att) => a.Element("instanceId", att.InstanceId).Element("ioPerformance", s.IoPerformance)))
            .Element("nextToken", next).ToString());
    }
}
