namespace SseSim.Volumes.Tests;

/// <summary>
/// Fast snapshot restore: enabling, optimizing for 60 minutes per TiB and enabled on the injected clock; volumes made
/// in an enabled zone are FastRestored; the snapshot cannot be deleted until it is disabled in every zone, with the
/// answer AWS gives (aws-nuke#453).
/// </summary>
public sealed class FastSnapshotRestoresTests : IAsyncLifetime
{
    private readonly Harness _h = new();
    private static SseSim.Core.Aws.Caller Caller => Harness.Caller;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<string> SnapshotAsync(int size)
    {
        var volume = await _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = size });
        var snapshot = await _h.Service.CreateSnapshotAsync(Caller, volume.VolumeId);
        await _h.Service.WaitForSnapshotAsync(snapshot.SnapshotId);
        return snapshot.SnapshotId;
    }

    [Fact]
    public async Task Enabling_optimizes_for_an_hour_per_TiB_then_volumes_are_fast_restored()
    {
        var id = await SnapshotAsync(size: 1024);
        var (ok, failed) = await _h.Service.EnableFastSnapshotRestoresAsync(Caller, ["us-east-1b", "us-east-1z"], [id]);
        var enabling = Assert.Single(ok);
        Assert.Equal(("us-east-1b", "use1-az2", "enabling", "Client.UserInitiated"), (enabling.AvailabilityZone, enabling.AvailabilityZoneId, enabling.State, enabling.StateTransitionReason));
        Assert.Equal(("us-east-1z", "InvalidParameterValue"), (Assert.Single(failed).AvailabilityZone, failed[0].Code));

        Assert.Equal("optimizing", Assert.Single(_h.Service.DescribeFastSnapshotRestores(Caller)).State);
        var early = await _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1b", SnapshotId = id });
        Assert.False(early.FastRestored);
        _h.Time.Advance(TimeSpan.FromHours(1));
        var enabled = Assert.Single(_h.Service.DescribeFastSnapshotRestores(Caller));
        Assert.Equal(("enabled", _h.Time.GetUtcNow()), (enabled.State, enabled.EnabledTime!.Value));
        Assert.True((await _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1b", SnapshotId = id })).FastRestored);
        Assert.False((await _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", SnapshotId = id })).FastRestored);
    }

    [Fact]
    public async Task A_snapshot_with_fast_restore_enabled_cannot_be_deleted_until_disabled_everywhere()
    {
        var id = await SnapshotAsync(size: 1);
        await _h.Service.EnableFastSnapshotRestoresAsync(Caller, ["us-east-1c", "us-east-1a"], [id]);
        var refused = await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.DeleteSnapshotAsync(Caller, id));
        Assert.Equal(("InvalidSnapshot.InUse", $"The snapshot {id} is currently enabled for fast restores in us-east-1a. Fast snapshot restores must be disabled within all Availability Zones before the snapshot may be deleted."),
            (refused.Code, refused.Message));

        var (ok, _) = await _h.Service.DisableFastSnapshotRestoresAsync(Caller, ["us-east-1a"], [id]);
        Assert.Equal(("disabling", _h.Time.GetUtcNow()), (Assert.Single(ok).State, ok[0].DisablingTime!.Value));
        await _h.RestartAsync();
        Assert.Equal("us-east-1c", Assert.Single(_h.Service.DescribeFastSnapshotRestores(Caller)).AvailabilityZone);
        await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.DeleteSnapshotAsync(Caller, id));
        await _h.Service.DisableFastSnapshotRestoresAsync(Caller, ["us-east-1c"], [id]);
        Assert.Empty(_h.Service.DescribeFastSnapshotRestores(Caller));
        await _h.Service.DeleteSnapshotAsync(Caller, id);
    }

    [Fact]
    public async Task A_missing_snapshot_fails_per_item()
    {
        var (ok, failed) = await _h.Service.EnableFastSnapshotRestoresAsync(Caller, ["us-east-1a"], ["snap-0123456789abcdef0"]);
        Assert.Empty(ok);
        Assert.Equal(("snap-0123456789abcdef0", "InvalidSnapshot.NotFound"), (Assert.Single(failed).SnapshotId, failed[0].Code));
        Assert.Equal("MissingParameter", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.EnableFastSnapshotRestoresAsync(Caller, [], ["snap-0123456789abcdef0"]))).Code);
    }
}
