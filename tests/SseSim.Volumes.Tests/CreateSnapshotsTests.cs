namespace SseSim.Volumes.Tests;

/// <summary>CreateSnapshots: one snapshot per attached volume, all of the same instant, exclusions and tag copying.</summary>
public sealed class CreateSnapshotsTests : IAsyncLifetime
{
    private readonly Harness _h = new();
    private static SseSim.Core.Aws.Caller Caller => Harness.Caller;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static byte[] Fill(byte value) => Enumerable.Repeat(value, 4096).ToArray();

    [Fact]
    public async Task Every_attached_volume_is_captured_at_one_instant_and_restores_to_it()
    {
        var instance = Assert.Single(await _h.Service.RunInstancesAsync(Caller, new RunInstancesRequest
        {
            AvailabilityZone = "us-east-1a",
            Volumes = [new LaunchVolumeRequest { DeviceName = "/dev/sdf", Size = 1, Encrypted = true }, new LaunchVolumeRequest { DeviceName = "/dev/sdg", Size = 1 }],
            VolumeTags = [new Tag("app", "db")],
        })).InstanceId;
        var devices = Assert.Single(_h.Service.DescribeInstances(Caller, [instance])).BlockDevices;
        foreach (var d in devices)
        {
            await _h.Export(d.VolumeId).WriteAsync(0, Fill(0x11), false, default);
        }

        var snapshots = await _h.Service.CreateSnapshotsAsync(Caller, instance, [], "set", [new Tag("set", "1")], copyVolumeTags: true);
        // Written after the instant: in no snapshot of the set.
        foreach (var d in devices)
        {
            await _h.Export(d.VolumeId).WriteAsync(0, Fill(0x22), false, default);
        }
        Assert.Equal(devices.Select(d => d.VolumeId), snapshots.Select(s => s.VolumeId));
        Assert.Equal([true, false], snapshots.Select(s => s.Encrypted));
        Assert.All(snapshots, s => Assert.Equal(("set", "pending"), (s.Description, s.State)));
        Assert.All(snapshots, s => Assert.Equal([new Tag("app", "db"), new Tag("set", "1")], s.Tags));

        var other = Assert.Single(await _h.Service.RunInstancesAsync(Caller, new RunInstancesRequest { AvailabilityZone = "us-east-1a" })).InstanceId;
        for (var i = 0; i < snapshots.Count; i++)
        {
            await _h.Service.WaitForSnapshotAsync(snapshots[i].SnapshotId);
            var restored = await _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", SnapshotId = snapshots[i].SnapshotId });
            await _h.Service.AttachVolumeAsync(Caller, restored.VolumeId, other, $"/dev/sd{(char)('p' + i)}");
            var block = new byte[4096];
            await _h.Export(restored.VolumeId).ReadAsync(0, block, default);
            Assert.Equal(Fill(0x11), block);
        }
    }

    [Fact]
    public async Task Excluded_volumes_are_skipped_and_unattached_ones_refused()
    {
        var (volume, instance) = await _h.CreateAttachedAsync();
        var second = await _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1 });
        await _h.Service.AttachVolumeAsync(Caller, second.VolumeId, instance, "/dev/sdg");

        var only = Assert.Single(await _h.Service.CreateSnapshotsAsync(Caller, instance, [second.VolumeId], null, [], copyVolumeTags: false));
        Assert.Equal(volume.VolumeId, only.VolumeId);
        Assert.Empty(only.Tags);

        var loose = await _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1 });
        Assert.Equal("InvalidParameterValue", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.CreateSnapshotsAsync(Caller, instance, [loose.VolumeId], null, [], false))).Code);
        Assert.Equal("InvalidInstanceID.NotFound", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.CreateSnapshotsAsync(Caller, "i-0123456789abcdef0", [], null, [], false))).Code);
        Assert.Empty(await _h.Service.CreateSnapshotsAsync(Caller, instance, [volume.VolumeId, second.VolumeId], null, [], false));
    }
}
