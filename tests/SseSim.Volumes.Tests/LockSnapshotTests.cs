namespace SseSim.Volumes.Tests;

/// <summary>
/// Snapshot lock (EBS User Guide, "Amazon EBS snapshot lock concepts"; LockSnapshot API reference): the state follows
/// the mode, the cooling-off period and the duration on the injected clock, a locked snapshot cannot be deleted, and
/// after a compliance cooling-off period only the duration may grow.
/// </summary>
public sealed class LockSnapshotTests : IAsyncLifetime
{
    private readonly Harness _h = new();
    private static SseSim.Core.Aws.Caller Caller => Harness.Caller;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<string> CompletedSnapshotAsync()
    {
        var (volume, _) = await _h.CreateAttachedAsync();
        var snapshot = await _h.Service.CreateSnapshotAsync(Caller, volume.VolumeId);
        await _h.Service.WaitForSnapshotAsync(snapshot.SnapshotId);
        return snapshot.SnapshotId;
    }

    private Task<SnapshotLockInfo> LockAsync(string id, string mode, int? days = null, int? coolOff = null, DateTimeOffset? until = null) =>
        _h.Service.LockSnapshotAsync(Caller, new LockSnapshotRequest(id, mode, coolOff, days, until));

    private string StateOf(string id) => Assert.Single(_h.Service.DescribeLockedSnapshots(Caller, [id])).LockState;

    [Fact]
    public async Task A_governance_lock_blocks_deletion_until_it_is_unlocked()
    {
        var id = await CompletedSnapshotAsync();
        var now = _h.Time.GetUtcNow();
        var info = await LockAsync(id, "governance", days: 7);
        Assert.Equal(("governance", 7, (int?)null), (info.LockState, info.LockDuration, info.CoolOffPeriod));
        Assert.Equal((now, now, now.AddDays(7)), (info.LockCreatedOn, info.LockDurationStartTime!.Value, info.LockExpiresOn!.Value));

        var refused = await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.DeleteSnapshotAsync(Caller, id));
        Assert.Equal("OperationNotPermitted", refused.Code);
        await _h.Service.UnlockSnapshotAsync(Caller, id);
        Assert.Empty(_h.Service.DescribeLockedSnapshots(Caller, [id]));
        await _h.Service.DeleteSnapshotAsync(Caller, id);
    }

    [Fact]
    public async Task A_lock_expires_with_its_duration_and_the_snapshot_can_then_be_deleted()
    {
        var id = await CompletedSnapshotAsync();
        await LockAsync(id, "compliance", days: 1);
        Assert.Equal("compliance", StateOf(id));
        _h.Time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.DeleteSnapshotAsync(Caller, id));
        _h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("expired", StateOf(id));
        await _h.Service.DeleteSnapshotAsync(Caller, id);
    }

    [Fact]
    public async Task Compliance_mode_can_be_changed_only_during_its_cooling_off_period()
    {
        var id = await CompletedSnapshotAsync();
        var info = await LockAsync(id, "compliance", days: 30, coolOff: 24);
        Assert.Equal(("compliance-cooloff", 24), (info.LockState, info.CoolOffPeriod));
        Assert.Equal(_h.Time.GetUtcNow().AddHours(24), info.CoolOffPeriodExpiresOn);
        // Within the cooling-off period: anything may change, unlocking too.
        Assert.Equal("governance", (await LockAsync(id, "governance", days: 2)).LockState);
        await LockAsync(id, "compliance", days: 30, coolOff: 1);
        _h.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal("compliance", StateOf(id));

        // After it: no unlock, no mode change, no cooling-off period, no shorter lock; a longer one is fine.
        Assert.Equal("OperationNotPermitted", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.UnlockSnapshotAsync(Caller, id))).Code);
        Assert.Equal("OperationNotPermitted", (await Assert.ThrowsAsync<Ec2Exception>(() => LockAsync(id, "governance", days: 60))).Code);
        Assert.Equal("InvalidParameterCombination", (await Assert.ThrowsAsync<Ec2Exception>(() => LockAsync(id, "compliance", days: 60, coolOff: 2))).Code);
        Assert.Equal("OperationNotPermitted", (await Assert.ThrowsAsync<Ec2Exception>(() => LockAsync(id, "compliance", days: 1))).Code);
        var longer = await LockAsync(id, "compliance", until: _h.Time.GetUtcNow().AddDays(365));
        Assert.Equal(("compliance", (int?)null, 1), (longer.LockState, longer.LockDuration, longer.CoolOffPeriod));
        Assert.Equal(_h.Time.GetUtcNow().AddDays(365), longer.LockExpiresOn);
    }

    [Fact]
    public async Task A_pending_snapshot_starts_its_lock_duration_when_it_completes()
    {
        var (volume, _) = await _h.CreateAttachedAsync();
        var release = new TaskCompletionSource();
        _h.Service.BeforeSnapshotCompletes = _ => release.Task;
        var pending = await _h.Service.CreateSnapshotAsync(Caller, volume.VolumeId);
        var info = await LockAsync(pending.SnapshotId, "governance", days: 3);
        Assert.Equal(("governance", 3), (info.LockState, info.LockDuration));
        Assert.Null(info.LockDurationStartTime);
        Assert.Null(info.LockExpiresOn);
        _h.Time.Advance(TimeSpan.FromHours(5));
        release.SetResult();
        await _h.Service.WaitForSnapshotAsync(pending.SnapshotId);
        var completed = Assert.Single(_h.Service.DescribeLockedSnapshots(Caller, [pending.SnapshotId]));
        Assert.Equal(_h.Time.GetUtcNow(), completed.LockDurationStartTime);
        Assert.Equal(_h.Time.GetUtcNow().AddDays(3), completed.LockExpiresOn);
        Assert.Equal(info.LockCreatedOn, completed.LockCreatedOn);
    }

    [Fact]
    public async Task Requests_are_checked_before_the_snapshot_changes()
    {
        var id = await CompletedSnapshotAsync();
        Assert.Equal("MissingParameter", (await Assert.ThrowsAsync<Ec2Exception>(() => LockAsync(id, "governance"))).Code);
        Assert.Equal("InvalidParameterCombination", (await Assert.ThrowsAsync<Ec2Exception>(() => LockAsync(id, "governance", days: 1, until: _h.Time.GetUtcNow().AddDays(2)))).Code);
        Assert.Equal("InvalidParameterCombination", (await Assert.ThrowsAsync<Ec2Exception>(() => LockAsync(id, "governance", days: 1, coolOff: 1))).Code);
        Assert.Equal("InvalidParameterValue", (await Assert.ThrowsAsync<Ec2Exception>(() => LockAsync(id, "strict", days: 1))).Code);
        Assert.Equal("InvalidParameterValue", (await Assert.ThrowsAsync<Ec2Exception>(() => LockAsync(id, "governance", days: 36501))).Code);
        Assert.Equal("InvalidParameterValue", (await Assert.ThrowsAsync<Ec2Exception>(() => LockAsync(id, "compliance", days: 1, coolOff: 73))).Code);
        Assert.Equal("InvalidParameterValue", (await Assert.ThrowsAsync<Ec2Exception>(() => LockAsync(id, "governance", until: _h.Time.GetUtcNow()))).Code);
        Assert.Equal("InvalidSnapshot.NotFound", (await Assert.ThrowsAsync<Ec2Exception>(() => LockAsync("snap-0123456789abcdef0", "governance", days: 1))).Code);
        Assert.Equal("IncorrectState", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.UnlockSnapshotAsync(Caller, id))).Code);
        Assert.Empty(_h.Service.DescribeLockedSnapshots(Caller, null));
    }

    [Fact]
    public async Task The_lock_survives_a_restart()
    {
        var id = await CompletedSnapshotAsync();
        await LockAsync(id, "compliance", days: 10, coolOff: 72);
        await _h.RestartAsync();
        Assert.Equal("compliance-cooloff", StateOf(id));
        await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.DeleteSnapshotAsync(Caller, id));
    }

    [Fact]
    public async Task Golden_vector_a_stored_lock_reads_back_as_block_volume_md_6_1_describes()
    {
        // block-volume.md §6.1: the stored request, PascalCase members, dates as ISO 8601 with offset.
        const string id = "snap-0123456789abcdef0";
        var record = $$"""
            {"SnapshotId":"{{id}}","AccountId":"{{FakeDataKeyService.Account}}","Region":"us-east-1","VolumeId":"vol-ffffffff",
             "VolumeSize":1,"State":"completed","StartTime":"2026-01-01T00:00:00+00:00","CompletionTime":"2026-01-01T00:00:00+00:00",
             "Encrypted":false,"LineageId":"{{id}}","Writers":{"1":"{{id}}"},
             "Lock":{"Mode":"compliance","CreatedOn":"2026-01-01T00:00:00+00:00","DurationDays":10,
                     "DurationSetOn":"2026-01-01T00:00:00+00:00","CoolOffHours":24,"CoolOffFrom":"2026-01-01T00:00:00+00:00"} }
            """;
        await SseSim.Core.Storage.KeyValueStoreExtensions.PutAsync(_h.Kv, "ebs/snap/" + id, System.Text.Encoding.UTF8.GetBytes(record));
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var info = Assert.Single(_h.Service.DescribeLockedSnapshots(Caller, [id]));
        Assert.Equal(new SnapshotLockInfo(id, FakeDataKeyService.Account, "compliance-cooloff", 10, 24, t0.AddHours(24), t0, t0, t0.AddDays(10)), info);
        _h.Time.Advance(TimeSpan.FromHours(24));
        Assert.Equal("compliance", StateOf(id));
        _h.Time.Advance(TimeSpan.FromDays(9));
        Assert.Equal("expired", StateOf(id));
    }
}
