namespace SseSim.Volumes;

/// <summary>One Availability Zone of the region, as DescribeAvailabilityZones lists it.</summary>
public sealed record AvailabilityZoneInfo(string ZoneName, string ZoneId, string RegionName);

/// <summary>
/// The zones of a region: us-east-1 has a-f, other regions a-c (the simulator does not track AWS's per-region
/// list). Zone ids follow AWS's naming (us-east-1 → use1-az1); which name maps to which id is account-specific on AWS,
/// here it is simply in order.
/// </summary>
public static class AvailabilityZones
{
    public static IReadOnlyList<AvailabilityZoneInfo> Of(string region)
    {
        var letters = region == "us-east-1" ? "abcdef" : "abc";
        var prefix = ZoneIdPrefix(region);
        return [.. letters.Select((letter, i) => new AvailabilityZoneInfo(region + letter, $"{prefix}-az{i + 1}", region))];
    }

    /// <summary>The zone id EC2 pairs with a zone name of the region (null for a name that is not one).</summary>
    public static string? IdOf(string region, string zoneName) => Of(region).FirstOrDefault(z => z.ZoneName == zoneName)?.ZoneId;

    /// <summary>EC2 refuses a zone that is not one of the region's with InvalidParameterValue.</summary>
    public static void Require(string region, string zone)
    {
        if (!Of(region).Any(z => z.ZoneName == zone))
        {
            throw Ec2Exception.InvalidParameter($"Invalid availability zone: [{zone}]");
        }
    }

    // "ap-southeast-2" → "apse2": the area prefix, the initials of the direction words, the number.
    private static string ZoneIdPrefix(string region)
    {
        var parts = region.Split('-');
        if (parts.Length != 3)
        {
            return region.Replace("-", "", StringComparison.Ordinal);
        }
        var direction = parts[1]
            .Replace("north", "n", StringComparison.Ordinal)
            .Replace("south", "s", StringComparison.Ordinal)
            .Replace("east", "e", StringComparison.Ordinal)
            .Replace("west", "w", StringComparison.Ordinal)
            .Replace("central", "c", StringComparison.Ordinal);
        return parts[0] + direction + parts[2];
    }
}
