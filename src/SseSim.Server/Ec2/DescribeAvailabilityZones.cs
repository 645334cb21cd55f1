using SseSim.Volumes;

namespace SseSim.Server.Ec2;

/// <summary>The configured region's zones, so scripts can pick one for CreateVolume (ZoneName.N, ZoneId.N, filters).</summary>
public static class DescribeAvailabilityZones
{
    public static Task<string> HandleAsync(Ec2Call call)
    {
        var names = call.Request.List("ZoneName");
        var ids = call.Request.List("ZoneId");
        var filters = call.Request.Filters();
        call.ThrowIfDryRun();
        var zones = AvailabilityZones.Of(call.Caller.Region)
            .Where(z => (names.Count == 0 || names.Contains(z.ZoneName)) && (ids.Count == 0 || ids.Contains(z.ZoneId)))
            .Where(z => FilterMatch.All(filters, name => name switch
            {
                "zone-name" => [z.ZoneName],
                "zone-id" => [z.ZoneId],
                "region-name" or "group-name" => [z.RegionName],
                "state" => ["available"],
                "zone-type" => ["availability-zone"],
                "opt-in-status" => ["opt-in-not-required"],
                _ => throw Ec2Exception.InvalidFilter(name),
            }))
            .ToList();
        foreach (var requested in names.Where(n => !zones.Any(z => z.ZoneName == n)))
        {
            throw Ec2Exception.InvalidParameter($"The zone '{requested}' does not exist.");
        }
        using var xml = call.Response();
        return Task.FromResult(xml.Items("availabilityZoneInfo", zones, (x, z) => x
            .Element("optInStatus", "opt-in-not-required")
            .Start("messageSet").End()
            .Element("regionName", z.RegionName)
            .Element("zoneName", z.ZoneName)
            .Element("zoneId", z.ZoneId)
            .Element("groupName", z.RegionName)
            .Element("networkBorderGroup", z.RegionName)
            .Element("zoneType", "availability-zone")
            .Element("zoneState", "available")).ToString());
    }
}
