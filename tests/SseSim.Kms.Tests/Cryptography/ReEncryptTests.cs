using SseSim.Kms.Model;
using SseSim.Kms.Operations;
using static SseSim.Kms.Tests.Cryptography.CryptoKit;

namespace SseSim.Kms.Tests.Cryptography;

public sealed class ReEncryptTests : IAsyncLifetime
{
    private readonly CryptoKit _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private Task<ReEncryptResponse> ReEncryptAsync(ReEncryptRequest request) => _kit.Call("ReEncrypt", request, ReEncrypt.ExecuteAsync);

    [Fact]
    public async Task Moves_ciphertext_to_another_key_and_context()
    {
        var source = await _kit.CreateKeyAsync();
        var destination = await _kit.CreateKeyAsync();
        var blob = (await _kit.EncryptAsync(source.KeyId, [7, 7], Ctx(("a", "1")))).CiphertextBlob;
        var moved = await ReEncryptAsync(new ReEncryptRequest
        {
            CiphertextBlob = blob,
            SourceEncryptionContext = Ctx(("a", "1")),
            DestinationKeyId = destination.KeyId,
            DestinationEncryptionContext = Ctx(("b", "2")),
        });
        Assert.Equal(source.Arn, moved.SourceKeyId);
        Assert.Equal(destination.Arn, moved.KeyId);
        Assert.Equal(source.CurrentKeyMaterialId, moved.SourceKeyMaterialId);
        Assert.Equal(destination.CurrentKeyMaterialId, moved.DestinationKeyMaterialId);
        Assert.Equal("SYMMETRIC_DEFAULT", moved.SourceEncryptionAlgorithm);
        Assert.Equal("SYMMETRIC_DEFAULT", moved.DestinationEncryptionAlgorithm);
        using var p = (await _kit.DecryptAsync(moved.CiphertextBlob, Ctx(("b", "2")))).Plaintext;
        Assert.Equal([7, 7], p.UnsafeExpose().ToArray());
        await Fails("InvalidCiphertextException", () => _kit.DecryptAsync(moved.CiphertextBlob, Ctx(("a", "1"))), "");
    }

    [Fact]
    public async Task Same_key_reencrypt_moves_to_current_material()
    {
        var key = await _kit.CreateKeyAsync();
        var blob = (await _kit.EncryptAsync(key.KeyId, [1])).CiphertextBlob;
        var rotated = await _kit.RotateAsync(key.KeyId);
        var moved = await ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = blob, DestinationKeyId = key.KeyId });
        Assert.Equal(key.CurrentKeyMaterialId, moved.SourceKeyMaterialId);
        Assert.Equal(rotated.Materials[^1].Id, moved.DestinationKeyMaterialId);
    }

    [Fact]
    public async Task Rsa_source_and_destination()
    {
        var symmetric = await _kit.CreateKeyAsync();
        var rsa = await _kit.CreateKeyAsync("RSA_2048", KeyUsages.EncryptDecrypt);
        var blob = (await _kit.EncryptAsync(symmetric.KeyId, [5, 6])).CiphertextBlob;
        var toRsa = await ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = blob, DestinationKeyId = rsa.KeyId, DestinationEncryptionAlgorithm = "RSAES_OAEP_SHA_256" });
        Assert.Null(toRsa.DestinationKeyMaterialId);
        Assert.Equal(256, toRsa.CiphertextBlob.Length);
        var back = await ReEncryptAsync(new ReEncryptRequest
        {
            CiphertextBlob = toRsa.CiphertextBlob,
            SourceKeyId = rsa.KeyId,
            SourceEncryptionAlgorithm = "RSAES_OAEP_SHA_256",
            DestinationKeyId = symmetric.KeyId,
        });
        Assert.Equal(rsa.Arn, back.SourceKeyId);
        using var p = (await _kit.DecryptAsync(back.CiphertextBlob)).Plaintext;
        Assert.Equal([5, 6], p.UnsafeExpose().ToArray());
        await Fails("InvalidKeyUsageException", () => ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = blob, DestinationKeyId = rsa.KeyId }));
    }

    [Fact]
    public async Task Errors()
    {
        var a = await _kit.CreateKeyAsync();
        var b = await _kit.CreateKeyAsync();
        var blob = (await _kit.EncryptAsync(a.KeyId, [1])).CiphertextBlob;
        await Fails("ValidationException", () => ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = blob }),
            "1 validation error detected: Value null at 'destinationKeyId' failed to satisfy constraint: Member must not be null");
        await Fails("IncorrectKeyException", () => ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = blob, SourceKeyId = b.KeyId, DestinationKeyId = b.KeyId }));
        await Fails("InvalidCiphertextException", () => ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = blob, SourceEncryptionContext = Ctx(("x", "y")), DestinationKeyId = b.KeyId }));
        await _kit.SetStateAsync(b.KeyId, KeyStates.Disabled);
        await Fails("DisabledException", () => ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = blob, DestinationKeyId = b.KeyId }));
        await Fails("DryRunOperationException", () => ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = blob, DestinationKeyId = a.KeyId, DryRun = true }));
    }

    [Fact]
    public async Task Audit_names_both_keys()
    {
        var a = await _kit.CreateKeyAsync();
        var b = await _kit.CreateKeyAsync();
        var blob = (await _kit.EncryptAsync(a.KeyId, [1])).CiphertextBlob;
        await ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = blob, DestinationKeyId = b.KeyId });
        await _kit.Kms.Audit.FlushAsync();
        var names = string.Join(",", _kit.Kms.Audit.Recent().Select(x => x.EventName));
        var e = _kit.Kms.Audit.Recent().FirstOrDefault(x => x.EventName == "ReEncrypt");
        Assert.True(e is not null, "events: [" + names + "] " + _kit.Kms.Audit.Recent().Count);
        Assert.Equal([a.Arn!, b.Arn!], e.ResourceArns);
    }
}
