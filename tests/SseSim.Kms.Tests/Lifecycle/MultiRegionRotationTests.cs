using SseSim.Kms.Operations;

namespace SseSim.Kms.Tests.Lifecycle;

/// <summary>Rotation is a shared property of a multi-Region key: set and performed on the primary, it reaches every replica.</summary>
public sealed class MultiRegionRotationTests
{
    [Fact]
    public async Task RotateKeyOnDemand_on_the_primary_reaches_the_replica_and_old_ciphertexts_still_decrypt_there()
    {
        await using var kit = new LifecycleKit();
        var primary = await kit.CreateMultiRegionKeyAsync();
        await kit.ReplicateAsync(primary.KeyId);
        var before = (await kit.Call("Encrypt", new EncryptRequest { KeyId = primary.KeyId, Plaintext = "old"u8.ToArray() }, Encrypt.ExecuteAsync)).CiphertextBlob;

        await kit.Call("RotateKeyOnDemand", new RotateKeyOnDemandRequest { KeyId = primary.KeyId }, RotateKeyOnDemand.ExecuteAsync);
        var east = await kit.DescribeAsync(primary.KeyId);
        var west = await kit.DescribeAsync(primary.KeyId, kit.West);
        Assert.NotEqual(primary.CurrentKeyMaterialId, east.CurrentKeyMaterialId);
        Assert.Equal(east.CurrentKeyMaterialId, west.CurrentKeyMaterialId);
        var rotations = await kit.Call("ListKeyRotations", new ListKeyRotationsRequest { KeyId = primary.KeyId }, ListKeyRotations.ExecuteAsync, kit.West);
        Assert.Equal("ON_DEMAND", Assert.Single(rotations.Rotations).RotationType);

        var after = (await kit.Call("Encrypt", new EncryptRequest { KeyId = primary.KeyId, Plaintext = "new"u8.ToArray() }, Encrypt.ExecuteAsync)).CiphertextBlob;
        foreach (var (blob, text) in new[] { (before, "old"), (after, "new") })
        {
            var plain = await kit.Call("Decrypt", new DecryptRequest { CiphertextBlob = blob }, Decrypt.ExecuteAsync, kit.West);
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(text), plain.Plaintext.UnsafeExpose().ToArray());
        }
    }

    [Fact]
    public async Task Rotation_settings_change_only_on_the_primary_and_the_replica_reports_the_primarys_status()
    {
        await using var kit = new LifecycleKit();
        var primary = await kit.CreateMultiRegionKeyAsync();
        var replicaArn = (await kit.ReplicateAsync(primary.KeyId)).ReplicaKeyMetadata.Arn;
        foreach (var refused in new Func<Task>[]
        {
            () => kit.Call("EnableKeyRotation", new EnableKeyRotationRequest { KeyId = primary.KeyId }, EnableKeyRotation.ExecuteAsync, kit.West),
            () => kit.Call("DisableKeyRotation", new DisableKeyRotationRequest { KeyId = primary.KeyId }, DisableKeyRotation.ExecuteAsync, kit.West),
            () => kit.Call("RotateKeyOnDemand", new RotateKeyOnDemandRequest { KeyId = primary.KeyId }, RotateKeyOnDemand.ExecuteAsync, kit.West),
        })
        {
            var e = await LifecycleKit.Fails(refused);
            Assert.Equal("UnsupportedOperationException", e.ErrorType);
            Assert.Equal($"{replicaArn} is not a multi-Region primary key.", e.Message);
        }

        await kit.Call("EnableKeyRotation", new EnableKeyRotationRequest { KeyId = primary.KeyId, RotationPeriodInDays = 90 }, EnableKeyRotation.ExecuteAsync);
        var west = await kit.Call("GetKeyRotationStatus", new GetKeyRotationStatusRequest { KeyId = primary.KeyId }, GetKeyRotationStatus.ExecuteAsync, kit.West);
        Assert.True(west.KeyRotationEnabled);
        Assert.Equal(90, west.RotationPeriodInDays);
        Assert.Equal(replicaArn, west.KeyId);

        // Automatic rotation happens on the primary's schedule, and the replica gets the same new material.
        kit.Time.Advance(TimeSpan.FromDays(91));
        var east = await kit.DescribeAsync(primary.KeyId);
        var replica = await kit.DescribeAsync(primary.KeyId, kit.West);
        Assert.NotEqual(primary.CurrentKeyMaterialId, east.CurrentKeyMaterialId);
        Assert.Equal(east.CurrentKeyMaterialId, replica.CurrentKeyMaterialId);

        await kit.Call("DisableKeyRotation", new DisableKeyRotationRequest { KeyId = primary.KeyId }, DisableKeyRotation.ExecuteAsync);
        Assert.False((await kit.Call("GetKeyRotationStatus", new GetKeyRotationStatusRequest { KeyId = primary.KeyId }, GetKeyRotationStatus.ExecuteAsync, kit.West)).KeyRotationEnabled);
    }

    [Fact]
    public async Task A_replica_made_after_rotations_has_every_material_version()
    {
        await using var kit = new LifecycleKit();
        var primary = await kit.CreateMultiRegionKeyAsync();
        var old = (await kit.Call("Encrypt", new EncryptRequest { KeyId = primary.KeyId, Plaintext = "v1"u8.ToArray() }, Encrypt.ExecuteAsync)).CiphertextBlob;
        await kit.Call("RotateKeyOnDemand", new RotateKeyOnDemandRequest { KeyId = primary.KeyId }, RotateKeyOnDemand.ExecuteAsync);
        await kit.ReplicateAsync(primary.KeyId);
        var plain = await kit.Call("Decrypt", new DecryptRequest { CiphertextBlob = old }, Decrypt.ExecuteAsync, kit.West);
        Assert.Equal("v1"u8.ToArray(), plain.Plaintext.UnsafeExpose().ToArray());
    }
}
