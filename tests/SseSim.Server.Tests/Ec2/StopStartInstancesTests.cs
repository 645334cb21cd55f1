using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.KeyManagementService.Model;
using SseSim.Server.Tests.Durability;

namespace SseSim.Server.Tests.Ec2;

/// <summary>
/// StopInstances and StartInstances through the AWS SDK, on the real KMS: the stop/start round trip of an instance with
/// an encrypted volume, and the classic failure, a start while the volume's key is disabled, which leaves the
/// instance stopped with stateReason Client.InternalError; the CloudTrail audit shows EC2's Decrypt on each start.
/// </summary>
public sealed class StopStartInstancesTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_stopped_instance_starts_again_and_a_disabled_key_keeps_it_stopped()
    {
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        using var kms = CrashCycleTests.Kms(server.Endpoint);
        var keyId = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        var instance = (await ec2.RunInstancesAsync(new RunInstancesRequest { ImageId = "ami-12345678", MinCount = 1, MaxCount = 1, Placement = new Placement("us-east-1a") }))
            .Reservation.Instances[0].InstanceId;
        var volume = (await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, Encrypted = true, KmsKeyId = keyId })).Volume.VolumeId;
        await ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = volume, InstanceId = instance, Device = "/dev/sdf" });

        var stopping = Assert.Single((await ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [instance] })).StoppingInstances);
        Assert.Equal((InstanceStateName.Running, InstanceStateName.Stopping), (stopping.PreviousState.Name, stopping.CurrentState.Name));
        var stopped = await DescribeAsync(ec2, instance);
        Assert.Equal(InstanceStateName.Stopped, stopped.State.Name);
        Assert.Equal(80, stopped.State.Code);
        Assert.StartsWith("User initiated (", stopped.StateTransitionReason, StringComparison.Ordinal);
        Assert.Equal(volume, Assert.Single(stopped.BlockDeviceMappings).Ebs.VolumeId);

        var starting = Assert.Single((await ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = [instance] })).StartingInstances);
        Assert.Equal((InstanceStateName.Stopped, InstanceStateName.Pending), (starting.PreviousState.Name, starting.CurrentState.Name));
        Assert.Equal(InstanceStateName.Running, (await DescribeAsync(ec2, instance)).State.Name);

        await ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [instance] });
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = keyId });
        await ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = [instance] });
        var refused = await DescribeAsync(ec2, instance);
        Assert.Equal(InstanceStateName.Stopped, refused.State.Name);
        Assert.Equal("Client.InternalError", refused.StateReason.Code);
        Assert.Equal("Client.InternalError: Client error on launch", refused.StateReason.Message);

        await kms.EnableKeyAsync(new EnableKeyRequest { KeyId = keyId });
        await ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = [instance] });
        Assert.Equal(InstanceStateName.Running, (await DescribeAsync(ec2, instance)).State.Name);

        var hibernate = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [instance], Hibernate = true }));
        Assert.Equal("UnsupportedOperation", hibernate.ErrorCode);
        await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instance] });
        var terminated = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = [instance] }));
        Assert.Equal("IncorrectInstanceState", terminated.ErrorCode);
    }

    private static async Task<Instance> DescribeAsync(AmazonEC2Client ec2, string instanceId) =>
        Assert.Single(Assert.Single((await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] })).Reservations).Instances);
}
