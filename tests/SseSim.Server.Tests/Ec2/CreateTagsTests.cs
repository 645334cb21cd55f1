using Amazon.EC2;
using Amazon.EC2.Model;
using SseSim.Server.Tests.Durability;

namespace SseSim.Server.Tests.Ec2;

/// <summary>CreateTags, DeleteTags and DescribeTags through the AWS SDK on volumes, snapshots and instances, with EC2's tag rules.</summary>
public sealed class CreateTagsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Tags_are_set_listed_filtered_and_removed()
    {
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        var volume = (await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1 })).Volume.VolumeId;
        var snapshot = (await ec2.CreateSnapshotAsync(new CreateSnapshotRequest { VolumeId = volume })).Snapshot.SnapshotId;
        var instance = (await ec2.RunInstancesAsync(new RunInstancesRequest { ImageId = "ami-12345678", MinCount = 1, MaxCount = 1 })).Reservation.Instances[0].InstanceId;

        await ec2.CreateTagsAsync(new CreateTagsRequest([volume, snapshot, instance], [new Tag("team", "blue"), new Tag("Name", "")]));
        await ec2.CreateTagsAsync(new CreateTagsRequest([volume], [new Tag("team", "red")]));

        var volumeTags = (await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volume] })).Volumes[0].Tags;
        Assert.Equal([("Name", ""), ("team", "red")], volumeTags.Select(t => (t.Key, t.Value)).OrderBy(t => t.Key, StringComparer.Ordinal));
        var teams = (await ec2.DescribeTagsAsync(new DescribeTagsRequest
        {
            Filters = [new Filter("key", ["team"]), new Filter("resource-id", [volume, snapshot, instance])],
        })).Tags;
        Assert.Equal(
            new[] { (volume, "volume", "red"), (snapshot, "snapshot", "blue"), (instance, "instance", "blue") }.OrderBy(t => t.Item1, StringComparer.Ordinal),
            teams.Select(t => (t.ResourceId, t.ResourceType.Value, t.Value)).OrderBy(t => t.ResourceId, StringComparer.Ordinal));
        var snapshots = (await ec2.DescribeTagsAsync(new DescribeTagsRequest { Filters = [new Filter("resource-type", ["snapshot"]), new Filter("resource-id", [snapshot])] })).Tags;
        Assert.Equal(2, snapshots.Count);

        // A value given only removes a matching tag; no value removes the key; no tags at all removes every tag.
        await ec2.DeleteTagsAsync(new DeleteTagsRequest([volume]) { Tags = [new Tag("team", "blue")] });
        Assert.Equal(2, (await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volume] })).Volumes[0].Tags.Count);
        await ec2.DeleteTagsAsync(new DeleteTagsRequest([volume]) { Tags = [new Tag { Key = "team" }] });
        Assert.Equal("Name", Assert.Single((await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volume] })).Volumes[0].Tags).Key);
        await ec2.DeleteTagsAsync(new DeleteTagsRequest([instance]));
        var left = (await ec2.DescribeTagsAsync(new DescribeTagsRequest { Filters = [new Filter("resource-id", [instance])] })).Tags;
        Assert.True(left is null or { Count: 0 });
    }

    [Fact]
    public async Task Bad_tags_and_unknown_resources_change_nothing()
    {
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        var volume = (await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1 })).Volume.VolumeId;

        async Task<string> Refused(CreateTagsRequest request) => (await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.CreateTagsAsync(request))).ErrorCode;
        Assert.Equal("InvalidParameterValue", await Refused(new CreateTagsRequest([volume], [new Tag("aws:owner", "x")])));
        Assert.Equal("InvalidParameterValue", await Refused(new CreateTagsRequest([volume], [new Tag(new string('k', 129), "x")])));
        Assert.Equal("InvalidParameterValue", await Refused(new CreateTagsRequest([volume], [new Tag("k", new string('v', 257))])));
        Assert.Equal("TagLimitExceeded", await Refused(new CreateTagsRequest([volume], [.. Enumerable.Range(0, 51).Select(i => new Tag($"k{i}", "v"))])));
        Assert.Equal("InvalidVolume.NotFound", await Refused(new CreateTagsRequest([volume, "vol-0123456789abcdef0"], [new Tag("a", "b")])));
        Assert.Equal("InvalidID", await Refused(new CreateTagsRequest(["ami-12345678"], [new Tag("a", "b")])));
        var created = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.CreateVolumeAsync(new CreateVolumeRequest
        {
            AvailabilityZone = "us-east-1a",
            Size = 1,
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Volume, Tags = [new Tag("aws:x", "y")] }],
        }));
        Assert.Equal("InvalidParameterValue", created.ErrorCode);

        var tags = (await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volume] })).Volumes[0].Tags;
        Assert.True(tags is null or { Count: 0 });
    }
}
