using SseSim.Core.Crypto;
using SseSim.Core.Keys;
using SseSim.Kms.Model;
using static SseSim.Kms.Tests.Cryptography.CryptoKit;

namespace SseSim.Kms.Tests.Cryptography;

public sealed class KmsDataKeyServiceTests : IAsyncLifetime
{
    private readonly CryptoKit _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task Data_keys_round_trip_through_the_real_operations()
    {
        var service = new KmsDataKeyService(_kit.Kms);
        var caller = _kit.Caller.Via("s3");
        var arn = await service.ResolveKeyArnAsync(caller, "alias/aws/s3");
        Assert.StartsWith($"arn:aws:kms:us-east-1:{Account}:key/", arn, StringComparison.Ordinal);

        var context = EncryptionContext.From(Ctx(("aws:s3:arn", "arn:aws:s3:::b/k")));
        using var dataKey = await service.GenerateDataKeyAsync(caller, "alias/aws/s3", context);
        Assert.Equal(arn, dataKey.KeyArn);
        using (var plain = await service.DecryptAsync(caller, dataKey.CiphertextBlob, context))
        {
            Assert.True(plain.Equals(dataKey.Plaintext));
        }

        var (blob, keyArn) = await service.GenerateDataKeyWithoutPlaintextAsync(caller, arn, context, 64);
        Assert.Equal(arn, keyArn);
        var other = await _kit.CreateKeyAsync();
        var moved = await service.ReEncryptAsync(caller, blob, context, other.KeyId, EncryptionContext.Empty);
        Assert.Equal(other.Arn, moved.KeyArn);
        using (var plain = await service.DecryptAsync(_kit.Caller, moved.CiphertextBlob, EncryptionContext.Empty))
        {
            Assert.Equal(64, plain.Length);
        }

        await _kit.Kms.Audit.FlushAsync();
        Assert.Contains(_kit.Kms.Audit.Recent(), e => e.EventName == "GenerateDataKey" && e.Json.Contains("s3.amazonaws.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Kms_errors_become_key_service_exceptions()
    {
        var service = new KmsDataKeyService(_kit.Kms);
        var key = await _kit.CreateKeyAsync();
        var blob = (await service.GenerateDataKeyWithoutPlaintextAsync(_kit.Caller, key.KeyId, EncryptionContext.Empty)).CiphertextBlob;
        var e = await Assert.ThrowsAsync<KeyServiceException>(() => service.DecryptAsync(_kit.Caller, blob, EncryptionContext.From(Ctx(("a", "b")))));
        Assert.Equal("InvalidCiphertextException", e.ErrorCode);
        await _kit.SetStateAsync(key.KeyId, KeyStates.Disabled);
        e = await Assert.ThrowsAsync<KeyServiceException>(() => service.GenerateDataKeyAsync(_kit.Caller, key.KeyId, EncryptionContext.Empty));
        Assert.Equal("DisabledException", e.ErrorCode);
        Assert.Equal($"{key.Arn} is disabled.", e.Message);
    }

    [Fact]
    public async Task Grants_are_created_and_retired_through_the_grant_operations()
    {
        var service = new KmsDataKeyService(_kit.Kms);
        var key = await _kit.CreateKeyAsync();
        var (grantId, token) = await service.CreateGrantAsync(_kit.Caller, key.KeyId, $"arn:aws:iam::{Account}:user/bob", ["Decrypt"],
            new Dictionary<string, string> { ["aws:ebs:id"] = "vol-1" });
        Assert.NotEmpty(grantId);
        Assert.NotEmpty(token);
        Assert.NotNull(_kit.Kms.Store.FindGrant(grantId));
        await service.RetireGrantAsync(_kit.Caller, key.Arn!, grantId);
        Assert.Null(_kit.Kms.Store.FindGrant(grantId));
    }
}
