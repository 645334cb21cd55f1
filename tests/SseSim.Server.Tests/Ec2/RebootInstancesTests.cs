using Amazon.EC2;
using Amazon.EC2.Model;
using SseSim.Server.Tests.Durability;

namespace SseSim.Server.Tests.Ec2;

/// <summary>RebootInstances through the AWS SDK: queued and successful for the caller's instances, terminated ones ignored, unknown ids refused.</summary>
public sealed class RebootInstancesTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Reboot_succeeds_for_own_instances_and_refuses_unknown_ones()
    {
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        var instances = (await ec2.RunInstancesAsync(new RunInstancesRequest { ImageId = "ami-12345678", MinCount = 2, MaxCount = 2 }))
            .Reservation.Instances.Select(i => i.InstanceId).ToList();
        var volume = (await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, Encrypted = true })).Volume.VolumeId;
        await ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = volume, InstanceId = instances[0], Device = "/dev/sdf" });
        await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instances[1]] });

        await ec2.RebootInstancesAsync(new RebootInstancesRequest { InstanceIds = instances });

        var running = Assert.Single(Assert.Single((await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instances[0]] })).Reservations).Instances);
        Assert.Equal(InstanceStateName.Running, running.State.Name);
        Assert.Equal(volume, Assert.Single(running.BlockDeviceMappings).Ebs.VolumeId);

        var unknown = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.RebootInstancesAsync(new RebootInstancesRequest { InstanceIds = [instances[0], "i-0123456789abcdef0"] }));
        Assert.Equal("InvalidInstanceID.NotFound", unknown.ErrorCode);
        var malformed = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.RebootInstancesAsync(new RebootInstancesRequest { InstanceIds = ["not-an-instance"] }));
        Assert.Equal("InvalidInstanceID.Malformed", malformed.ErrorCode);
        var dryRun = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.RebootInstancesAsync(new RebootInstancesRequest { InstanceIds = [instances[0]], DryRun = true }));
        Assert.Equal("DryRunOperation", dryRun.ErrorCode);
    }
}
