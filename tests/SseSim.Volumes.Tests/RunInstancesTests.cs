namespace SseSim.Volumes.Tests;

/// <summary>RunInstances with EBS block devices: volumes made and attached at launch, and launches KMS refuses.</summary>
public sealed class RunInstancesTests : IAsyncLifetime
{
    private readonly Harness _h = new();
    private static SseSim.Core.Aws.Caller Caller => Harness.Caller;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task<IReadOnlyList<InstanceInfo>> LaunchAsync(params LaunchVolumeRequest[] volumes) =>
        _h.Service.RunInstancesAsync(Caller, new RunInstancesRequest { AvailabilityZone = "us-east-1a", Volumes = volumes, VolumeTags = [new Tag("app", "db")] });

    [Fact]
    public async Task Launch_volumes_are_created_attached_and_keyed_in_memory_and_deleted_on_termination_unless_kept()
    {
        var key = _h.Kms.CreateKey();
        var launched = Assert.Single(await LaunchAsync(
            new LaunchVolumeRequest { DeviceName = "/dev/sdf", Size = 2, Encrypted = true, KmsKeyId = key },
            new LaunchVolumeRequest { DeviceName = "/dev/sdg", Size = 1, DeleteOnTermination = false }));
        Assert.Equal("pending", launched.State);
        Assert.Empty(launched.BlockDevices);

        var instance = Assert.Single(_h.Service.DescribeInstances(Caller, [launched.InstanceId]));
        Assert.Equal("running", instance.State);
        Assert.Equal(["/dev/sdf", "/dev/sdg"], instance.BlockDevices.Select(d => d.Device));
        Assert.Equal([true, false], instance.BlockDevices.Select(d => d.DeleteOnTermination));
        var volumes = _h.Service.DescribeVolumes(Caller, [.. instance.BlockDevices.Select(d => d.VolumeId)]);
        var encrypted = Assert.Single(volumes, v => v.Encrypted);
        Assert.Equal((key, 2, "in-use"), (encrypted.KmsKeyId, encrypted.Size, encrypted.State));
        Assert.All(volumes, v => Assert.Equal([new Tag("app", "db")], v.Tags));
        // The encrypted one holds its plaintext key while attached to the running instance, under a grant.
        Assert.NotNull(_h.Export(encrypted.VolumeId));
        Assert.Single(_h.Kms.ActiveGrants);

        await _h.Service.TerminateInstancesAsync(Caller, [launched.InstanceId]);
        var kept = Assert.Single(_h.Service.DescribeVolumes(Caller));
        Assert.Equal((instance.BlockDevices[1].VolumeId, "available"), (kept.VolumeId, kept.State));
        Assert.Empty(_h.Kms.ActiveGrants);
        Assert.All(_h.Kms.HandedOut, k => Assert.True(k.IsDisposed));
    }

    [Fact]
    public async Task A_key_KMS_refuses_terminates_the_instance_with_EC2s_reason_and_deletes_every_launch_volume()
    {
        var key = _h.Kms.CreateKey();
        _h.Kms.Disable(key);
        var launched = Assert.Single(await LaunchAsync(
            new LaunchVolumeRequest { DeviceName = "/dev/sdf", Size = 1, DeleteOnTermination = false },
            new LaunchVolumeRequest { DeviceName = "/dev/sdg", Size = 1, Encrypted = true, KmsKeyId = key }));
        Assert.Equal("pending", launched.State);

        var instance = Assert.Single(_h.Service.DescribeInstances(Caller, [launched.InstanceId]));
        Assert.Equal("terminated", instance.State);
        Assert.Equal("Client.InvalidKMSKey.InvalidState", instance.StateReasonCode);
        Assert.Equal("Client.InvalidKMSKey.InvalidState: The KMS key provided is in an incorrect state", instance.StateReasonMessage);
        Assert.Empty(_h.Service.DescribeVolumes(Caller));
        Assert.Empty(_h.Kms.ActiveGrants);
    }

    [Fact]
    public async Task Malformed_mappings_fail_the_call_and_launch_nothing()
    {
        var key = _h.Kms.CreateKey();
        Assert.Equal("InvalidBlockDeviceMapping", (await Assert.ThrowsAsync<Ec2Exception>(() => LaunchAsync(
            new LaunchVolumeRequest { DeviceName = "/dev/sdf", Size = 1 }, new LaunchVolumeRequest { DeviceName = "/dev/sdf", Size = 2 }))).Code);
        Assert.Equal("InvalidBlockDeviceMapping", (await Assert.ThrowsAsync<Ec2Exception>(() => LaunchAsync(new LaunchVolumeRequest { DeviceName = "/dev/sdf" }))).Code);
        Assert.Equal("InvalidParameterDependency", (await Assert.ThrowsAsync<Ec2Exception>(() => LaunchAsync(
            new LaunchVolumeRequest { DeviceName = "/dev/sdf", Size = 1, KmsKeyId = key }))).Code);
        Assert.Equal("InvalidParameterValue", (await Assert.ThrowsAsync<Ec2Exception>(() => LaunchAsync(
            new LaunchVolumeRequest { DeviceName = "/dev/sdf", Size = 1, VolumeType = "io1" }))).Code);
        Assert.Equal("InvalidSnapshot.NotFound", (await Assert.ThrowsAsync<Ec2Exception>(() => LaunchAsync(
            new LaunchVolumeRequest { DeviceName = "/dev/sdf", SnapshotId = "snap-0123456789abcdef0" }))).Code);
        Assert.Empty(_h.Service.DescribeInstances(Caller));
        Assert.Empty(_h.Service.DescribeVolumes(Caller));
    }

    [Fact]
    public async Task Encryption_by_default_covers_launch_volumes()
    {
        await _h.Service.EnableEbsEncryptionByDefaultAsync(Caller);
        var launched = Assert.Single(await LaunchAsync(new LaunchVolumeRequest { DeviceName = "/dev/sdf", Size = 1 }));
        var volume = Assert.Single(_h.Service.DescribeVolumes(Caller));
        Assert.True(volume.Encrypted);
        Assert.Equal(launched.InstanceId, Assert.Single(volume.Attachments).InstanceId);
    }
}
