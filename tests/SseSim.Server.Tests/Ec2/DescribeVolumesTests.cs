using Amazon.EC2;
using Amazon.EC2.Model;
using SseSim.Server.Tests.Durability;

namespace SseSim.Server.Tests.Ec2;

/// <summary>MaxResults/NextToken paging of DescribeVolumes and DescribeSnapshots through the AWS SDK, as EC2 pages.</summary>
public sealed class DescribeVolumesTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Pages_follow_MaxResults_and_NextToken_and_the_sdk_paginator_sees_every_volume_once()
    {
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        var run = Guid.NewGuid().ToString("N")[..8];
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add((await ec2.CreateVolumeAsync(new CreateVolumeRequest
            {
                AvailabilityZone = "us-east-1a",
                Size = 1,
                TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Volume, Tags = [new Tag("run", run)] }],
            })).Volume.VolumeId);
        }
        var filter = new Filter("tag:run", [run]);

        var first = await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [filter], MaxResults = 5 });
        Assert.Equal(5, first.Volumes.Count);
        Assert.False(string.IsNullOrEmpty(first.NextToken));
        var second = await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [filter], MaxResults = 5, NextToken = first.NextToken });
        Assert.Equal(2, second.Volumes.Count);
        Assert.True(string.IsNullOrEmpty(second.NextToken));
        Assert.Equal(created.Order(StringComparer.Ordinal), first.Volumes.Concat(second.Volumes).Select(v => v.VolumeId));

        var paged = new List<string>();
        await foreach (var volume in ec2.Paginators.DescribeVolumes(new DescribeVolumesRequest { Filters = [filter], MaxResults = 5 }).Volumes)
        {
            paged.Add(volume.VolumeId);
        }
        Assert.Equal(created.Order(StringComparer.Ordinal), paged);
        // Without MaxResults everything comes in one answer.
        Assert.Equal(7, (await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [filter] })).Volumes.Count);

        Assert.Equal("InvalidParameterCombination", (await Assert.ThrowsAsync<AmazonEC2Exception>(() =>
            ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [created[0]], MaxResults = 5 }))).ErrorCode);
        Assert.Equal("InvalidParameterValue", (await Assert.ThrowsAsync<AmazonEC2Exception>(() =>
            ec2.DescribeVolumesAsync(new DescribeVolumesRequest { MaxResults = 3 }))).ErrorCode);
        Assert.Equal("InvalidPaginationToken", (await Assert.ThrowsAsync<AmazonEC2Exception>(() =>
            ec2.DescribeVolumesAsync(new DescribeVolumesRequest { MaxResults = 5, NextToken = "%%%" }))).ErrorCode);

        foreach (var volume in created.Take(6))
        {
            await ec2.CreateSnapshotAsync(new CreateSnapshotRequest
            {
                VolumeId = volume,
                TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Snapshot, Tags = [new Tag("run", run)] }],
            });
        }
        var snapshots = await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { Filters = [filter], MaxResults = 5 });
        Assert.Equal(5, snapshots.Snapshots.Count);
        var rest = await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { Filters = [filter], MaxResults = 5, NextToken = snapshots.NextToken });
        Assert.Single(rest.Snapshots);
        Assert.True(string.IsNullOrEmpty(rest.NextToken));
    }
}
