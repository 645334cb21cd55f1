using Amazon.EC2;
using Amazon.EC2.Model;
using SseSim.Server.Tests.Durability;

namespace SseSim.Server.Tests.Ec2;

/// <summary>
/// DescribeVolumeStatus through the AWS SDK: every volume passes its checks, Provisioned IOPS volumes report
/// io-performance normal, filters and paging work as on DescribeVolumes; malformed ids are refused before lookup.
/// </summary>
public sealed class DescribeVolumeStatusTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Every_volume_is_ok_with_its_checks_listed()
    {
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        var gp3 = (await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1b", Size = 1, VolumeType = VolumeType.Gp3 })).Volume;
        var io2 = (await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 4, VolumeType = VolumeType.Io2, Iops = 100 })).Volume;

        var both = (await ec2.DescribeVolumeStatusAsync(new DescribeVolumeStatusRequest { VolumeIds = [gp3.VolumeId, io2.VolumeId] })).VolumeStatuses;
        Assert.Equal(2, both.Count);
        var first = both.Single(s => s.VolumeId == gp3.VolumeId);
        Assert.Equal("us-east-1b", first.AvailabilityZone);
        Assert.Equal("use1-az2", first.AvailabilityZoneId);
        Assert.Equal(VolumeStatusInfoStatus.Ok, first.VolumeStatus.Status);
        Assert.Equal([("io-enabled", "passed"), ("io-performance", "not-applicable")],
            first.VolumeStatus.Details.Select(d => (d.Name.Value, d.Status)));
        Assert.True(first.Events is null or { Count: 0 });
        Assert.True(first.Actions is null or { Count: 0 });
        Assert.Equal("normal", both.Single(s => s.VolumeId == io2.VolumeId).VolumeStatus.Details.Single(d => d.Name == VolumeStatusName.IoPerformance).Status);

        var normal = (await ec2.DescribeVolumeStatusAsync(new DescribeVolumeStatusRequest
        {
            Filters = [new Filter("volume-status.details-status", ["normal"]), new Filter("availability-zone", ["us-east-1a"])],
        })).VolumeStatuses;
        Assert.Contains(normal, s => s.VolumeId == io2.VolumeId);
        Assert.DoesNotContain(normal, s => s.VolumeId == gp3.VolumeId);
        var impaired = await ec2.DescribeVolumeStatusAsync(new DescribeVolumeStatusRequest { Filters = [new Filter("volume-status.status", ["impaired"])] });
        Assert.True(impaired.VolumeStatuses is null or { Count: 0 });

        var badFilter = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeVolumeStatusAsync(new DescribeVolumeStatusRequest { Filters = [new Filter("status", ["ok"])] }));
        Assert.Equal("InvalidParameterValue", badFilter.ErrorCode);
        var page = await ec2.DescribeVolumeStatusAsync(new DescribeVolumeStatusRequest { MaxResults = 5 });
        Assert.InRange(page.VolumeStatuses.Count, 2, 5);
    }

    [Fact]
    public async Task Malformed_ids_are_refused_and_well_formed_unknown_ids_are_not_found()
    {
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        var malformed = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeVolumeStatusAsync(new DescribeVolumeStatusRequest { VolumeIds = ["vol-nothex"] }));
        Assert.Equal(("InvalidVolumeID.Malformed", "Invalid id: \"vol-nothex\""), (malformed.ErrorCode, malformed.Message));
        var noPrefix = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = ["abc"] }));
        Assert.Equal(("InvalidVolumeID.Malformed", "Invalid id: \"abc\" (expecting \"vol-...\")"), (noPrefix.ErrorCode, noPrefix.Message));
        // Eight hex digits were EC2's id length before 2016 and are still well formed.
        var oldStyle = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = ["vol-1234abcd"] }));
        Assert.Equal("InvalidVolume.NotFound", oldStyle.ErrorCode);
        var snapshot = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = ["snap-x"] }));
        Assert.Equal("InvalidSnapshotID.Malformed", snapshot.ErrorCode);
        var instance = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = ["i-1"] }));
        Assert.Equal("InvalidInstanceID.Malformed", instance.ErrorCode);
        var terminate = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = ["i-0123456789abcdef0"] }));
        Assert.Equal("InvalidInstanceID.NotFound", terminate.ErrorCode);
    }
}
