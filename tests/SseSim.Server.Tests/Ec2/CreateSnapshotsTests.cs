using Amazon.EC2;
using Amazon.EC2.Model;
using SseSim.Server.Tests.Durability;

namespace SseSim.Server.Tests.Ec2;

/// <summary>CreateSnapshots (multi-volume, crash-consistent) through the AWS SDK, and EnableVolumeIO.</summary>
public sealed class CreateSnapshotsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task One_snapshot_per_attached_volume_with_copied_and_requested_tags()
    {
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        var instance = (await ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = "ami-12345678",
            MinCount = 1,
            MaxCount = 1,
            BlockDeviceMappings =
            [
                new BlockDeviceMapping { DeviceName = "/dev/sdf", Ebs = new EbsBlockDevice { VolumeSize = 1, Encrypted = true } },
                new BlockDeviceMapping { DeviceName = "/dev/sdg", Ebs = new EbsBlockDevice { VolumeSize = 1 } },
            ],
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Volume, Tags = [new Tag("app", "db")] }],
        })).Reservation.Instances[0].InstanceId;
        var volumes = (await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [new Filter("attachment.instance-id", [instance])] })).Volumes;
        Assert.Equal(2, volumes.Count);

        var response = await ec2.CreateSnapshotsAsync(new CreateSnapshotsRequest
        {
            InstanceSpecification = new InstanceSpecification { InstanceId = instance, ExcludeDataVolumeIds = [volumes.Single(v => v.Encrypted != true).VolumeId] },
            Description = "nightly",
            CopyTagsFromSource = CopyTagsFromSource.Volume,
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Snapshot, Tags = [new Tag("set", "nightly")] }],
        });
        var snapshot = Assert.Single(response.Snapshots);
        Assert.Equal(volumes.Single(v => v.Encrypted == true).VolumeId, snapshot.VolumeId);
        Assert.True(snapshot.Encrypted);
        Assert.Equal("nightly", snapshot.Description);
        Assert.Equal(["app=db", "set=nightly"], snapshot.Tags.Select(t => $"{t.Key}={t.Value}").Order());
        var described = Assert.Single((await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [snapshot.SnapshotId] })).Snapshots);
        Assert.Equal(snapshot.VolumeId, described.VolumeId);

        await ec2.EnableVolumeIOAsync(new EnableVolumeIORequest { VolumeId = snapshot.VolumeId });
        var missing = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.EnableVolumeIOAsync(new EnableVolumeIORequest { VolumeId = "vol-0123456789abcdef0" }));
        Assert.Equal("InvalidVolume.NotFound", missing.ErrorCode);
    }
}
