using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace SseSim.Server.Tests.Kms;

/// <summary>RotateKeyOnDemand over the wire with the AWS SDK for .NET, as a client that follows AWS's docs sees it.</summary>
public sealed class RotateKeyOnDemandTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_rotation_is_complete_when_the_call_returns_and_old_ciphertext_still_decrypts()
    {
        using var kms = server.Kms();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var before = await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1, 2, 3]) });

        var rotated = await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId });
        Assert.Equal(key.Arn, rotated.KeyId);

        // AWS reports OnDemandRotationStartDate only while a rotation is in progress; clients poll until it is gone.
        var status = await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key.KeyId });
        Assert.Null(status.OnDemandRotationStartDate);
        Assert.False(status.KeyRotationEnabled);
        var rotations = await kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = key.KeyId });
        var rotation = Assert.Single(rotations.Rotations);
        Assert.Equal(RotationType.ON_DEMAND, rotation.RotationType);

        var after = await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1, 2, 3]) });
        Assert.NotEqual(before.CiphertextBlob.ToArray(), after.CiphertextBlob.ToArray());
        var decrypted = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = before.CiphertextBlob });
        Assert.Equal([1, 2, 3], decrypted.Plaintext.ToArray());
        Assert.Equal(rotated.KeyId, decrypted.KeyId);
    }

    [Fact]
    public async Task Asymmetric_disabled_and_missing_keys_are_refused_with_AWS_errors()
    {
        using var kms = server.Kms();
        var rsa = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_4096, KeyUsage = KeyUsageType.ENCRYPT_DECRYPT })).KeyMetadata;
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = rsa.KeyId }));
        var disabled = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = disabled.KeyId });
        await Assert.ThrowsAsync<DisabledException>(() => kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = disabled.KeyId }));
        await Assert.ThrowsAsync<NotFoundException>(() => kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = "1234abcd-12ab-34cd-56ef-1234567890ab" }));
    }
}
