using Amazon.EC2;
using Amazon.EC2.Model;
using SseSim.Server.Tests.Durability;

namespace SseSim.Server.Tests.Ec2;

/// <summary>AttachVolume's refusals through the AWS SDK, worded as AWS words them.</summary>
public sealed class AttachVolumeTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task AttachVolume_of_an_attached_volume_is_VolumeInUse()
    {
        // AWS's answer as quoted in aws/aws-sdk-java#1623 and hashicorp/terraform#11060.
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        var instances = (await ec2.RunInstancesAsync(new RunInstancesRequest { ImageId = "ami-12345678", MinCount = 2, MaxCount = 2, Placement = new Placement("us-east-1a") }))
            .Reservation.Instances.Select(i => i.InstanceId).ToList();
        var volume = (await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1 })).Volume.VolumeId;
        await ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = volume, InstanceId = instances[0], Device = "/dev/sdf" });
        foreach (var instance in instances)
        {
            var e = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = volume, InstanceId = instance, Device = "/dev/sdg" }));
            Assert.Equal(("VolumeInUse", $"{volume} is already attached to an instance"), (e.ErrorCode, e.Message));
        }
    }
}
