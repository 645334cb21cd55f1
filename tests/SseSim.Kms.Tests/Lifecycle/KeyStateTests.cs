using SseSim.Kms.Operations;

namespace SseSim.Kms.Tests.Lifecycle;

public sealed class KeyStateTests
{
    [Fact]
    public async Task DisableKey_then_EnableKey_round_trips_the_state()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        await kit.Call("DisableKey", new DisableKeyRequest { KeyId = key.Arn }, DisableKey.ExecuteAsync);
        Assert.Equal("Disabled", (await kit.DescribeAsync(key.KeyId)).KeyState);
        Assert.False((await kit.DescribeAsync(key.KeyId)).Enabled);
        await kit.Call("EnableKey", new EnableKeyRequest { KeyId = key.KeyId }, EnableKey.ExecuteAsync);
        Assert.Equal("Enabled", (await kit.DescribeAsync(key.KeyId)).KeyState);
    }

    [Fact]
    public async Task ScheduleKeyDeletion_defaults_to_30_days_and_Cancel_leaves_key_disabled()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        var scheduled = await kit.Call("ScheduleKeyDeletion", new ScheduleKeyDeletionRequest { KeyId = key.KeyId }, ScheduleKeyDeletion.ExecuteAsync);
        Assert.Equal(30, scheduled.PendingWindowInDays);
        Assert.Equal("PendingDeletion", scheduled.KeyState);
        Assert.Equal(key.Arn, scheduled.KeyId);
        Assert.Equal(kit.Time.GetUtcNow().AddDays(30), scheduled.DeletionDate);
        var pending = await kit.DescribeAsync(key.KeyId);
        Assert.Equal((kit.Time.GetUtcNow().AddDays(30), (int?)null), (pending.DeletionDate, pending.PendingDeletionWindowInDays));

        var again = await LifecycleKit.Fails(() => kit.Call("ScheduleKeyDeletion", new ScheduleKeyDeletionRequest { KeyId = key.KeyId }, ScheduleKeyDeletion.ExecuteAsync));
        Assert.Equal("KMSInvalidStateException", again.ErrorType);
        Assert.Equal($"{key.Arn} is pending deletion.", again.Message);

        var enable = await LifecycleKit.Fails(() => kit.Call("EnableKey", new EnableKeyRequest { KeyId = key.KeyId }, EnableKey.ExecuteAsync));
        Assert.Equal("KMSInvalidStateException", enable.ErrorType);

        var cancelled = await kit.Call("CancelKeyDeletion", new CancelKeyDeletionRequest { KeyId = key.KeyId }, CancelKeyDeletion.ExecuteAsync);
        Assert.Equal(key.Arn, cancelled.KeyId);
        var described = await kit.DescribeAsync(key.KeyId);
        Assert.Equal("Disabled", described.KeyState);
        Assert.Null(described.DeletionDate);

        var notPending = await LifecycleKit.Fails(() => kit.Call("CancelKeyDeletion", new CancelKeyDeletionRequest { KeyId = key.KeyId }, CancelKeyDeletion.ExecuteAsync));
        Assert.Equal($"{key.Arn} is not pending deletion.", notPending.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(31)]
    [InlineData(365)]
    public async Task ScheduleKeyDeletion_rejects_windows_outside_7_to_30_days_with_KMS_own_message(int days)
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        var e = await LifecycleKit.Fails(() => kit.Call("ScheduleKeyDeletion", new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = days }, ScheduleKeyDeletion.ExecuteAsync));
        // What AWS answered for a window of 1 (github.com/Skyscanner/kms-issuer/issues/8): not a model-constraint message.
        Assert.Equal(("ValidationException", "PendingWindowInDays must be between 7 and 30"), (e.ErrorType, e.Message));
        Assert.Equal("Enabled", (await kit.DescribeAsync(key.KeyId)).KeyState);
    }

    [Fact]
    public async Task Key_is_purged_with_its_aliases_after_the_window()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        await kit.Call("CreateAlias", new CreateAliasRequest { AliasName = "alias/doomed", TargetKeyId = key.KeyId }, CreateAlias.ExecuteAsync);
        await kit.Call("ScheduleKeyDeletion", new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 7 }, ScheduleKeyDeletion.ExecuteAsync);

        kit.Time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        Assert.Equal("PendingDeletion", (await kit.DescribeAsync(key.KeyId)).KeyState);

        kit.Time.Advance(TimeSpan.FromSeconds(2));
        var gone = await LifecycleKit.Fails(() => kit.DescribeAsync(key.KeyId));
        Assert.Equal("NotFoundException", gone.ErrorType);
        Assert.Equal($"Key '{key.Arn}' does not exist", gone.Message);
        var aliases = await kit.Call("ListAliases", new ListAliasesRequest(), ListAliases.ExecuteAsync);
        Assert.DoesNotContain(aliases.Aliases, a => a.AliasName == "alias/doomed");
    }

    [Fact]
    public async Task State_survives_reopening_the_store()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        await kit.Call("DisableKey", new DisableKeyRequest { KeyId = key.KeyId }, DisableKey.ExecuteAsync);
        await kit.Call("CreateAlias", new CreateAliasRequest { AliasName = "alias/kept", TargetKeyId = key.Arn }, CreateAlias.ExecuteAsync);

        await using var reopened = kit.Open();
        var described = await reopened.InvokeAsync(kit.Caller, "DescribeKey", new DescribeKeyRequest { KeyId = "alias/kept" }, DescribeKey.ExecuteAsync);
        Assert.Equal(key.KeyId, described.KeyMetadata.KeyId);
        Assert.Equal("Disabled", described.KeyMetadata.KeyState);
    }

    [Fact]
    public async Task AWS_managed_keys_cannot_be_disabled_or_scheduled_for_deletion()
    {
        await using var kit = new LifecycleKit();
        var managed = await kit.DescribeAsync("alias/aws/s3");
        Assert.Equal("AWS", managed.KeyManager);
        Assert.Equal(managed.KeyId, (await kit.DescribeAsync("alias/aws/s3")).KeyId);
        var disable = await LifecycleKit.Fails(() => kit.Call("DisableKey", new DisableKeyRequest { KeyId = managed.KeyId }, DisableKey.ExecuteAsync));
        // The AWS managed key policy grants the account only Describe*/Get*/List*/RevokeGrant.
        Assert.Equal("AccessDeniedException", disable.ErrorType);
        var delete = await LifecycleKit.Fails(() => kit.Call("ScheduleKeyDeletion", new ScheduleKeyDeletionRequest { KeyId = managed.KeyId }, ScheduleKeyDeletion.ExecuteAsync));
        Assert.Equal("AccessDeniedException", delete.ErrorType);
        var status = await kit.Call("GetKeyRotationStatus", new GetKeyRotationStatusRequest { KeyId = managed.KeyId }, GetKeyRotationStatus.ExecuteAsync);
        Assert.True(status.KeyRotationEnabled);
        Assert.Equal(365, status.RotationPeriodInDays);
    }

    [Theory]
    [InlineData("fake-key-id", "Invalid keyId 'fake-key-id'")]
    [InlineData("arn:aws:kms:eu-west-1:111122223333:key/0b0f6b5e-7d4a-4a43-b1f3-2a5a1f6e9c11", "Invalid arn eu-west-1")]
    [InlineData("0b0f6b5e-7d4a-4a43-b1f3-2a5a1f6e9c11", "Key 'arn:aws:kms:us-east-1:111122223333:key/0b0f6b5e-7d4a-4a43-b1f3-2a5a1f6e9c11' does not exist")]
    [InlineData("alias/missing", "Alias arn:aws:kms:us-east-1:111122223333:alias/missing is not found.")]
    [InlineData("mrk-d3b95762d3b95762d3b95762d3b95762", "Key 'arn:aws:kms:us-east-1:111122223333:key/mrk-d3b95762d3b95762d3b95762d3b95762' does not exist")]
    [InlineData("mrk-fake-key-id", "Invalid keyId 'mrk-fake-key-id'")]
    [InlineData("134f2428cec14b25a1ae9048164dba47", "Invalid keyId '134f2428cec14b25a1ae9048164dba47'")]
    public async Task Unknown_identifiers_get_AWS_NotFound_messages(string keyId, string message)
    {
        await using var kit = new LifecycleKit();
        var e = await LifecycleKit.Fails(() => kit.DescribeAsync(keyId));
        Assert.Equal("NotFoundException", e.ErrorType);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task Management_operations_refuse_alias_identifiers()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        await kit.Call("CreateAlias", new CreateAliasRequest { AliasName = "alias/a", TargetKeyId = key.KeyId }, CreateAlias.ExecuteAsync);
        var byName = await LifecycleKit.Fails(() => kit.Call("DisableKey", new DisableKeyRequest { KeyId = "alias/a" }, DisableKey.ExecuteAsync));
        Assert.Equal("NotFoundException", byName.ErrorType);
        var byArn = await LifecycleKit.Fails(() => kit.Call("DisableKey", new DisableKeyRequest { KeyId = "arn:aws:kms:us-east-1:111122223333:alias/a" }, DisableKey.ExecuteAsync));
        Assert.Equal("InvalidArnException", byArn.ErrorType);
    }

    [Fact]
    public async Task Another_accounts_key_id_is_not_found_for_a_bare_id()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        var e = await LifecycleKit.Fails(() => kit.DescribeAsync(key.KeyId, kit.Stranger));
        Assert.Equal("NotFoundException", e.ErrorType);
    }
}
