using SseSim.Kms.Operations;

namespace SseSim.Kms.Tests.Lifecycle;

/// <summary>ScheduleKeyDeletion of multi-Region keys (API reference; Developer Guide "Deleting multi-Region keys").</summary>
public sealed class MultiRegionDeletionTests
{
    [Fact]
    public async Task A_primary_with_replicas_waits_in_PendingReplicaDeletion_then_starts_its_window_when_the_last_replica_is_deleted()
    {
        await using var kit = new LifecycleKit();
        var primary = await kit.CreateMultiRegionKeyAsync();
        await kit.ReplicateAsync(primary.KeyId);

        var scheduled = await kit.Call("ScheduleKeyDeletion", new ScheduleKeyDeletionRequest { KeyId = primary.KeyId, PendingWindowInDays = 7 }, ScheduleKeyDeletion.ExecuteAsync);
        Assert.Equal("PendingReplicaDeletion", scheduled.KeyState);
        Assert.Null(scheduled.DeletionDate);
        Assert.Equal(7, scheduled.PendingWindowInDays);
        var described = await kit.DescribeAsync(primary.KeyId);
        Assert.Equal("PendingReplicaDeletion", described.KeyState);
        Assert.Equal(7, described.PendingDeletionWindowInDays);
        Assert.Null(described.DeletionDate);
        var e = await LifecycleKit.Fails(() => kit.Call("Encrypt", new EncryptRequest { KeyId = primary.KeyId, Plaintext = [1] }, Encrypt.ExecuteAsync));
        Assert.Equal("KMSInvalidStateException", e.ErrorType);
        e = await LifecycleKit.Fails(() => kit.ReplicateAsync(primary.KeyId, "eu-west-1"));
        Assert.Equal("KMSInvalidStateException", e.ErrorType);
        // The replica is independent: still usable, and it deletes on its own window.
        await kit.Call("Encrypt", new EncryptRequest { KeyId = primary.KeyId, Plaintext = [1] }, Encrypt.ExecuteAsync, kit.West);
        var replica = await kit.Call("ScheduleKeyDeletion", new ScheduleKeyDeletionRequest { KeyId = primary.KeyId, PendingWindowInDays = 10 }, ScheduleKeyDeletion.ExecuteAsync, kit.West);
        Assert.Equal("PendingDeletion", replica.KeyState);

        // Still waiting while the replica is only scheduled.
        kit.Time.Advance(TimeSpan.FromDays(9));
        Assert.Equal("PendingReplicaDeletion", (await kit.DescribeAsync(primary.KeyId)).KeyState);

        kit.Time.Advance(TimeSpan.FromDays(2));
        e = await LifecycleKit.Fails(() => kit.DescribeAsync(primary.KeyId, kit.West));
        Assert.Equal("NotFoundException", e.ErrorType);
        described = await kit.DescribeAsync(primary.KeyId);
        Assert.Equal("PendingDeletion", described.KeyState);
        // The window runs from the replica's deletion (its DeletionDate), not from the lazy check that noticed it.
        Assert.Equal(replica.DeletionDate!.Value.AddDays(7), described.DeletionDate);
        Assert.Empty(described.MultiRegionConfiguration!.ReplicaKeys);

        kit.Time.Advance(TimeSpan.FromDays(7));
        e = await LifecycleKit.Fails(() => kit.DescribeAsync(primary.KeyId));
        Assert.Equal("NotFoundException", e.ErrorType);
    }

    [Fact]
    public async Task CancelKeyDeletion_of_a_primary_in_PendingReplicaDeletion_leaves_it_disabled()
    {
        await using var kit = new LifecycleKit();
        var primary = await kit.CreateMultiRegionKeyAsync();
        await kit.ReplicateAsync(primary.KeyId);
        await kit.Call("ScheduleKeyDeletion", new ScheduleKeyDeletionRequest { KeyId = primary.KeyId }, ScheduleKeyDeletion.ExecuteAsync);
        var e = await LifecycleKit.Fails(() => kit.Call("ScheduleKeyDeletion", new ScheduleKeyDeletionRequest { KeyId = primary.KeyId }, ScheduleKeyDeletion.ExecuteAsync));
        Assert.Equal("KMSInvalidStateException", e.ErrorType);
        await kit.Call("CancelKeyDeletion", new CancelKeyDeletionRequest { KeyId = primary.KeyId }, CancelKeyDeletion.ExecuteAsync);
        var key = await kit.DescribeAsync(primary.KeyId);
        Assert.Equal("Disabled", key.KeyState);
        Assert.Null(key.PendingDeletionWindowInDays);
    }

    [Fact]
    public async Task A_primary_without_replicas_deletes_like_a_single_Region_key_and_a_deleted_replica_can_be_made_again()
    {
        await using var kit = new LifecycleKit();
        var primary = await kit.CreateMultiRegionKeyAsync();
        await kit.ReplicateAsync(primary.KeyId);
        await kit.Call("ScheduleKeyDeletion", new ScheduleKeyDeletionRequest { KeyId = primary.KeyId, PendingWindowInDays = 7 }, ScheduleKeyDeletion.ExecuteAsync, kit.West);
        kit.Time.Advance(TimeSpan.FromDays(8));
        await LifecycleKit.Fails(() => kit.DescribeAsync(primary.KeyId, kit.West));
        var again = await kit.ReplicateAsync(primary.KeyId);
        Assert.Equal(primary.KeyId, again.ReplicaKeyMetadata.KeyId);

        var alone = await kit.CreateMultiRegionKeyAsync();
        var scheduled = await kit.Call("ScheduleKeyDeletion", new ScheduleKeyDeletionRequest { KeyId = alone.KeyId, PendingWindowInDays = 7 }, ScheduleKeyDeletion.ExecuteAsync);
        Assert.Equal("PendingDeletion", scheduled.KeyState);
        Assert.Equal(kit.Time.GetUtcNow().AddDays(7), scheduled.DeletionDate);
    }
}
