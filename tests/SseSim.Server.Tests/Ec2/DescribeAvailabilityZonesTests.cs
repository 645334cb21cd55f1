using Amazon.EC2;
using Amazon.EC2.Model;
using SseSim.Server.Tests.Durability;

namespace SseSim.Server.Tests.Ec2;

/// <summary>
/// DescribeAvailabilityZones and DescribeRegions through the AWS SDK, the way scripts pick a zone for CreateVolume;
/// a zone outside the region is refused as EC2 refuses it.
/// </summary>
public sealed class DescribeAvailabilityZonesTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_region_lists_its_zones_and_volumes_go_only_there()
    {
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        var zones = (await ec2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest())).AvailabilityZones;
        Assert.Equal(["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"], zones.Select(z => z.ZoneName));
        Assert.Equal("use1-az2", zones[1].ZoneId);
        Assert.All(zones, z =>
        {
            Assert.Equal("us-east-1", z.RegionName);
            Assert.Equal(AvailabilityZoneState.Available, z.State);
            Assert.Equal("availability-zone", z.ZoneType);
        });

        var filtered = await ec2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest { Filters = [new Filter("zone-name", ["*c"])] });
        Assert.Equal("us-east-1c", Assert.Single(filtered.AvailabilityZones).ZoneName);
        var byId = await ec2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest { ZoneIds = ["use1-az4"] });
        Assert.Equal("us-east-1d", Assert.Single(byId.AvailabilityZones).ZoneName);
        var unknown = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest { ZoneNames = ["us-east-1z"] }));
        Assert.Equal("InvalidParameterValue", unknown.ErrorCode);

        var volume = await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = zones[2].ZoneName, Size = 1 });
        Assert.Equal("us-east-1c", volume.Volume.AvailabilityZone);
        foreach (var zone in new[] { "us-west-2a", "us-east-1z" })
        {
            var refused = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = zone, Size = 1 }));
            Assert.Equal("InvalidParameterValue", refused.ErrorCode);
            Assert.Equal($"Invalid availability zone: [{zone}]", refused.Message);
        }
        var instance = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = "ami-12345678",
            MinCount = 1,
            MaxCount = 1,
            Placement = new Placement { AvailabilityZone = "eu-west-1a" },
        }));
        Assert.Equal("InvalidParameterValue", instance.ErrorCode);
    }

    [Fact]
    public async Task DescribeRegions_answers_the_region_this_endpoint_serves()
    {
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        var region = Assert.Single((await ec2.DescribeRegionsAsync(new DescribeRegionsRequest())).Regions);
        Assert.Equal(("us-east-1", "ec2.us-east-1.amazonaws.com", "opt-in-not-required"), (region.RegionName, region.Endpoint, region.OptInStatus));
        var other = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeRegionsAsync(new DescribeRegionsRequest { RegionNames = ["eu-west-1"] }));
        Assert.Equal("InvalidParameterValue", other.ErrorCode);
    }
}
