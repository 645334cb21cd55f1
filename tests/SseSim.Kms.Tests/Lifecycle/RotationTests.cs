using SseSim.Kms.Operations;

namespace SseSim.Kms.Tests.Lifecycle;

public sealed class RotationTests
{
    [Fact]
    public async Task EnableKeyRotation_sets_period_and_next_date_and_rotates_automatically()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        await kit.Call("EnableKeyRotation", new EnableKeyRotationRequest { KeyId = key.KeyId, RotationPeriodInDays = 90 }, EnableKeyRotation.ExecuteAsync);
        var status = await kit.Call("GetKeyRotationStatus", new GetKeyRotationStatusRequest { KeyId = key.KeyId }, GetKeyRotationStatus.ExecuteAsync);
        Assert.True(status.KeyRotationEnabled);
        Assert.Equal(90, status.RotationPeriodInDays);
        Assert.Equal(kit.Time.GetUtcNow().AddDays(90), status.NextRotationDate);

        kit.Time.Advance(TimeSpan.FromDays(91));
        var rotations = await kit.Call("ListKeyRotations", new ListKeyRotationsRequest { KeyId = key.KeyId }, ListKeyRotations.ExecuteAsync);
        var rotation = Assert.Single(rotations.Rotations);
        Assert.Equal("AUTOMATIC", rotation.RotationType);
        Assert.Equal("CURRENT", rotation.KeyMaterialState);
        Assert.Equal(rotation.KeyMaterialId, (await kit.DescribeAsync(key.KeyId)).CurrentKeyMaterialId);
        Assert.NotEqual(key.CurrentKeyMaterialId, rotation.KeyMaterialId);

        status = await kit.Call("GetKeyRotationStatus", new GetKeyRotationStatusRequest { KeyId = key.KeyId }, GetKeyRotationStatus.ExecuteAsync);
        Assert.Equal(kit.Time.GetUtcNow().AddDays(-1).AddDays(90), status.NextRotationDate);
    }

    [Fact]
    public async Task RotateKeyOnDemand_adds_material_and_stops_at_25()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        for (var i = 0; i < RotateKeyOnDemand.MaxOnDemandRotations; i++)
        {
            var r = await kit.Call("RotateKeyOnDemand", new RotateKeyOnDemandRequest { KeyId = key.KeyId }, RotateKeyOnDemand.ExecuteAsync);
            Assert.Equal(key.Arn, r.KeyId);
        }
        var limit = await LifecycleKit.Fails(() => kit.Call("RotateKeyOnDemand", new RotateKeyOnDemandRequest { KeyId = key.KeyId }, RotateKeyOnDemand.ExecuteAsync));
        Assert.Equal("LimitExceededException", limit.ErrorType);
        var all = await kit.Call("ListKeyRotations", new ListKeyRotationsRequest { KeyId = key.KeyId, IncludeKeyMaterial = "ALL_KEY_MATERIAL", Limit = 1000 }, ListKeyRotations.ExecuteAsync);
        Assert.Equal(26, all.Rotations.Count);
        Assert.Null(all.Rotations[0].RotationType);
        Assert.All(all.Rotations.Skip(1), r => Assert.Equal("ON_DEMAND", r.RotationType));
    }

    [Theory]
    [InlineData("RSA_4096", "ENCRYPT_DECRYPT")]
    [InlineData("HMAC_256", "GENERATE_VERIFY_MAC")]
    public async Task RotateKeyOnDemand_refuses_a_key_that_is_not_symmetric_with_no_message_unless_it_is_disabled(string spec, string usage)
    {
        // As AWS answered for an RSA_4096 key (LocalStack's AWS-recorded test_rotate_key_on_demand_raises_error_given_*):
        // no message at all, and the key state is checked first.
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync(spec, usage);
        var e = await LifecycleKit.Fails(() => kit.Call("RotateKeyOnDemand", new RotateKeyOnDemandRequest { KeyId = key.KeyId }, RotateKeyOnDemand.ExecuteAsync));
        Assert.Equal(("UnsupportedOperationException", ""), (e.ErrorType, e.Message));
        await kit.Call("DisableKey", new DisableKeyRequest { KeyId = key.KeyId }, DisableKey.ExecuteAsync);
        e = await LifecycleKit.Fails(() => kit.Call("RotateKeyOnDemand", new RotateKeyOnDemandRequest { KeyId = key.KeyId }, RotateKeyOnDemand.ExecuteAsync));
        Assert.Equal(("DisabledException", $"{key.Arn} is disabled."), (e.ErrorType, e.Message));
    }

    [Fact]
    public async Task Rotation_is_unsupported_for_asymmetric_and_HMAC_keys_and_disabled_keys_refuse_changes()
    {
        await using var kit = new LifecycleKit();
        var hmac = await kit.CreateKeyAsync("HMAC_256", "GENERATE_VERIFY_MAC");
        var e = await LifecycleKit.Fails(() => kit.Call("EnableKeyRotation", new EnableKeyRotationRequest { KeyId = hmac.KeyId }, EnableKeyRotation.ExecuteAsync));
        Assert.Equal("UnsupportedOperationException", e.ErrorType);
        var status = await kit.Call("GetKeyRotationStatus", new GetKeyRotationStatusRequest { KeyId = hmac.KeyId }, GetKeyRotationStatus.ExecuteAsync);
        Assert.Equal((false, hmac.Arn, (int?)null, (DateTimeOffset?)null), (status.KeyRotationEnabled, status.KeyId, status.RotationPeriodInDays, status.NextRotationDate));
        var rsa = await kit.CreateKeyAsync("RSA_2048", "SIGN_VERIFY");
        Assert.False((await kit.Call("GetKeyRotationStatus", new GetKeyRotationStatusRequest { KeyId = rsa.KeyId }, GetKeyRotationStatus.ExecuteAsync)).KeyRotationEnabled);

        var key = await kit.CreateKeyAsync();
        await kit.Call("DisableKey", new DisableKeyRequest { KeyId = key.KeyId }, DisableKey.ExecuteAsync);
        var disabled = await LifecycleKit.Fails(() => kit.Call("EnableKeyRotation", new EnableKeyRotationRequest { KeyId = key.KeyId }, EnableKeyRotation.ExecuteAsync));
        Assert.Equal("DisabledException", disabled.ErrorType);

        var period = await LifecycleKit.Fails(() => kit.Call("EnableKeyRotation", new EnableKeyRotationRequest { KeyId = key.KeyId, RotationPeriodInDays = 89 }, EnableKeyRotation.ExecuteAsync));
        Assert.Equal("ValidationException", period.ErrorType);
    }
}
