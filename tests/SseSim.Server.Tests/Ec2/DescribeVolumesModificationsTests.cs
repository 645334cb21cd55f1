using Amazon.EC2;
using Amazon.EC2.Model;
using SseSim.Server.Tests.Durability;

namespace SseSim.Server.Tests.Ec2;

/// <summary>ModifyVolume then DescribeVolumesModifications through the AWS SDK, as resize scripts poll it.</summary>
public sealed class DescribeVolumesModificationsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_latest_modification_is_listed_completed_and_unmodified_volumes_are_not_found()
    {
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        var volume = (await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, VolumeType = VolumeType.Gp2 })).Volume.VolumeId;
        var untouched = (await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1 })).Volume.VolumeId;

        var none = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeVolumesModificationsAsync(new DescribeVolumesModificationsRequest { VolumeIds = [volume] }));
        Assert.Equal(("InvalidVolumeModification.NotFound", $"Modification for volume '{volume}' does not exist."), (none.ErrorCode, none.Message));

        var started = (await ec2.ModifyVolumeAsync(new ModifyVolumeRequest { VolumeId = volume, Size = 2, VolumeType = VolumeType.Gp3 })).VolumeModification;
        Assert.Equal(VolumeModificationState.Modifying, started.ModificationState);

        var listed = Assert.Single((await ec2.DescribeVolumesModificationsAsync(new DescribeVolumesModificationsRequest { VolumeIds = [volume] })).VolumesModifications);
        Assert.Equal(VolumeModificationState.Completed, listed.ModificationState);
        Assert.Equal((1, 2, "gp2", "gp3", 100L), (listed.OriginalSize, listed.TargetSize, listed.OriginalVolumeType.Value, listed.TargetVolumeType.Value, listed.Progress));
        Assert.NotNull(listed.EndTime);
        var all = (await ec2.DescribeVolumesModificationsAsync(new DescribeVolumesModificationsRequest
        {
            Filters = [new Filter("modification-state", ["completed"]), new Filter("target-size", ["2"])],
        })).VolumesModifications;
        Assert.Contains(all, m => m.VolumeId == volume);
        Assert.DoesNotContain(all, m => m.VolumeId == untouched);
        var described = (await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volume] })).Volumes[0];
        Assert.Equal((2, "gp3"), (described.Size, described.VolumeType.Value));
    }
}
