using SseSim.Volumes;

namespace SseSim.Server.Ec2;

/// <summary>The one region this endpoint serves (--region); SseSim simulates a single region per server.</summary>
public static class DescribeRegions
{
    public static Task<string> HandleAsync(Ec2Call call)
    {
        var names = call.Request.List("RegionName");
        var filters = call.Request.Filters();
        call.ThrowIfDryRun();
        var region = call.Caller.Region;
        foreach (var requested in names.Where(n => n != region))
        {
            throw Ec2Exception.InvalidParameter($"Invalid region: {requested}");
        }
        var endpoint = $"ec2.{region}.amazonaws.com";
        var matches = FilterMatch.All(filters, name => name switch
        {
            "region-name" => [region],
            "endpoint" => [endpoint],
            "opt-in-status" => ["opt-in-not-required"],
            _ => throw Ec2Exception.InvalidFilter(name),
        });
        using var xml = call.Response();
        return Task.FromResult(xml.Items("regionInfo", matches ? [region] : Array.Empty<string>(), (x, r) => x
            .Element("regionName", r)
            .Element("regionEndpoint", endpoint)
            .Element("optInStatus", "opt-in-not-required")).ToString());
    }
}
