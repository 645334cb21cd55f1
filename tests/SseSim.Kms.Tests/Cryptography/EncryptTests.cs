using System.Security.Cryptography;
using SseSim.Kms.Model;
using SseSim.Kms.Operations;
using static SseSim.Kms.Tests.Cryptography.CryptoKit;

namespace SseSim.Kms.Tests.Cryptography;

public sealed class EncryptTests(SharedKeys shared) : IAsyncLifetime, IClassFixture<SharedKeys>
{
    private readonly CryptoKit _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(4096)]
    public async Task Symmetric_round_trip_returns_key_arn_and_material_id(int length)
    {
        var key = await _kit.CreateKeyAsync();
        var plaintext = RandomNumberGenerator.GetBytes(length);
        var encrypted = await _kit.EncryptAsync(key.KeyId, plaintext, Ctx(("purpose", "test")));
        Assert.Equal(key.Arn, encrypted.KeyId);
        Assert.Equal("SYMMETRIC_DEFAULT", encrypted.EncryptionAlgorithm);
        Assert.Equal(102 + length, encrypted.CiphertextBlob.Length);

        using var decrypted = (await _kit.DecryptAsync(encrypted.CiphertextBlob, Ctx(("purpose", "test")))).Plaintext;
        Assert.Equal(plaintext, decrypted.UnsafeExpose().ToArray());
        var response = await _kit.DecryptAsync(encrypted.CiphertextBlob, Ctx(("purpose", "test")), key.Arn);
        Assert.Equal(key.Arn, response.KeyId);
        Assert.Equal(key.CurrentKeyMaterialId, response.KeyMaterialId);
        Assert.Equal("SYMMETRIC_DEFAULT", response.EncryptionAlgorithm);
    }

    [Fact]
    public async Task Alias_and_alias_arn_are_accepted()
    {
        var key = await _kit.CreateKeyAsync();
        await _kit.Call("CreateAlias", new CreateAliasRequest { AliasName = "alias/app", TargetKeyId = key.KeyId }, CreateAlias.ExecuteAsync);
        var byAlias = await _kit.EncryptAsync("alias/app", [1, 2, 3]);
        var byAliasArn = await _kit.EncryptAsync($"arn:aws:kms:us-east-1:{Account}:alias/app", [1, 2, 3]);
        Assert.Equal(key.Arn, byAlias.KeyId);
        Assert.Equal(key.Arn, byAliasArn.KeyId);
        using var p = (await _kit.DecryptAsync(byAliasArn.CiphertextBlob, keyId: "alias/app")).Plaintext;
        Assert.Equal([1, 2, 3], p.UnsafeExpose().ToArray());
    }

    [Theory]
    [InlineData("RSA_2048", "RSAES_OAEP_SHA_1", 214)]
    [InlineData("RSA_2048", "RSAES_OAEP_SHA_256", 190)]
    [InlineData("RSA_3072", "RSAES_OAEP_SHA_1", 342)]
    [InlineData("RSA_3072", "RSAES_OAEP_SHA_256", 318)]
    [InlineData("RSA_4096", "RSAES_OAEP_SHA_1", 470)]
    [InlineData("RSA_4096", "RSAES_OAEP_SHA_256", 446)]
    public async Task Rsa_round_trip_and_size_limit(string spec, string algorithm, int max)
    {
        // The rows of a spec share its key (SharedKeys): each row still encrypts and decrypts with its own algorithm.
        var kit = shared.Kit;
        var key = await shared.GetAsync(spec, KeyUsages.EncryptDecrypt);
        var plaintext = RandomNumberGenerator.GetBytes(max);
        var encrypted = await kit.EncryptAsync(key.KeyId, plaintext, algorithm: algorithm);
        Assert.Equal(KeySpecInfo.All[spec].Bits / 8, encrypted.CiphertextBlob.Length);
        Assert.Equal(algorithm, encrypted.EncryptionAlgorithm);

        var decrypted = await kit.DecryptAsync(encrypted.CiphertextBlob, keyId: key.KeyId, algorithm: algorithm);
        Assert.Equal(plaintext, decrypted.Plaintext.UnsafeExpose().ToArray());
        Assert.Null(decrypted.KeyMaterialId);

        // An independent decryptor cannot exist (private key never leaves), but an independent encryptor can.
        var publicKey = await kit.Call("GetPublicKey", new GetPublicKeyRequest { KeyId = key.KeyId }, GetPublicKey.ExecuteAsync);
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(publicKey.PublicKey, out _);
        var external = rsa.Encrypt(plaintext, algorithm == "RSAES_OAEP_SHA_1" ? RSAEncryptionPadding.OaepSHA1 : RSAEncryptionPadding.OaepSHA256);
        Assert.Equal(plaintext, (await kit.DecryptAsync(external, keyId: key.KeyId, algorithm: algorithm)).Plaintext.UnsafeExpose().ToArray());

        await Fails("ValidationException", () => kit.EncryptAsync(key.KeyId, new byte[max + 1], algorithm: algorithm),
            $"Algorithm {algorithm} and key spec {spec} cannot encrypt data larger than {max} bytes.");
    }

    [Fact]
    public async Task Rsa_rules_context_algorithm_and_key_id()
    {
        var key = await _kit.CreateKeyAsync("RSA_2048", KeyUsages.EncryptDecrypt);
        await Fails("ValidationException", () => _kit.EncryptAsync(key.KeyId, [1], Ctx(("a", "b")), "RSAES_OAEP_SHA_256"));
        await Fails("InvalidKeyUsageException", () => _kit.EncryptAsync(key.KeyId, [1]),
            "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.");
        var encrypted = await _kit.EncryptAsync(key.KeyId, [1, 2], algorithm: "RSAES_OAEP_SHA_256");
        await Fails("InvalidCiphertextException", () => _kit.DecryptAsync(encrypted.CiphertextBlob, algorithm: "RSAES_OAEP_SHA_256"), "");
        await Fails("InvalidCiphertextException", () => _kit.DecryptAsync(encrypted.CiphertextBlob, keyId: key.KeyId, algorithm: "RSAES_OAEP_SHA_1"), "");
        var symmetric = await _kit.CreateKeyAsync();
        await Fails("InvalidKeyUsageException", () => _kit.EncryptAsync(symmetric.KeyId, [1], algorithm: "RSAES_OAEP_SHA_1"),
            "Algorithm RSAES_OAEP_SHA_1 is incompatible with key spec SYMMETRIC_DEFAULT.");
    }

    [Fact]
    public async Task Wrong_key_usage_is_refused_with_aws_wording()
    {
        var key = await _kit.CreateKeyAsync("ECC_NIST_P256", KeyUsages.SignVerify);
        await Fails("InvalidKeyUsageException", () => _kit.EncryptAsync(key.KeyId, [1]),
            $"{key.Arn} key usage is SIGN_VERIFY which is not valid for Encrypt.");
        var hmac = await _kit.CreateKeyAsync("HMAC_256", KeyUsages.GenerateVerifyMac);
        await Fails("InvalidKeyUsageException", () => _kit.EncryptAsync(hmac.KeyId, [1]),
            $"{hmac.Arn} key usage is GENERATE_VERIFY_MAC which is not valid for Encrypt.");
    }

    [Fact]
    public async Task Validation_messages()
    {
        var key = await _kit.CreateKeyAsync();
        await Fails("ValidationException", () => _kit.EncryptAsync(key.KeyId, []),
            "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length greater than or equal to 1");
        await Fails("ValidationException", () => _kit.EncryptAsync(key.KeyId, new byte[4097]),
            "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096");
        await Fails("ValidationException", () => _kit.Call("Encrypt", new EncryptRequest { KeyId = key.KeyId }, Encrypt.ExecuteAsync),
            "1 validation error detected: Value null at 'plaintext' failed to satisfy constraint: Member must not be null");
        await Fails("ValidationException", () => _kit.EncryptAsync(key.KeyId, [1], algorithm: "AES"),
            "1 validation error detected: Value 'AES' at 'encryptionAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE]");
        await Fails("ValidationException", () => _kit.DecryptAsync(new byte[6145]),
            "1 validation error detected: Value at 'ciphertextBlob' failed to satisfy constraint: Member must have length less than or equal to 6144");
        await Fails("NotFoundException", () => _kit.EncryptAsync("not-a-key", [1]), "Invalid keyId 'not-a-key'");
        await Fails("ValidationException", () => _kit.Call("Encrypt",
            new EncryptRequest { KeyId = key.KeyId, Plaintext = [1], GrantTokens = Enumerable.Repeat("t", 11).ToList() }, Encrypt.ExecuteAsync));
    }

    [Fact]
    public async Task Dry_run_succeeds_only_as_an_error()
    {
        var key = await _kit.CreateKeyAsync();
        await Fails("DryRunOperationException", () => _kit.Call("Encrypt", new EncryptRequest { KeyId = key.KeyId, Plaintext = [1], DryRun = true }, Encrypt.ExecuteAsync),
            "The request would have succeeded, but the DryRun option is set.");
        // A request that would fail reports its real error, not DryRun.
        await Fails("ValidationException", () => _kit.Call("Encrypt", new EncryptRequest { KeyId = key.KeyId, Plaintext = [], DryRun = true }, Encrypt.ExecuteAsync));
        await _kit.SetStateAsync(key.KeyId, KeyStates.Disabled);
        await Fails("DisabledException", () => _kit.Call("Encrypt", new EncryptRequest { KeyId = key.KeyId, Plaintext = [1], DryRun = true }, Encrypt.ExecuteAsync));
    }

    [Fact]
    public async Task Disabled_and_pending_deletion_keys_refuse_encrypt_and_decrypt()
    {
        var key = await _kit.CreateKeyAsync();
        var blob = (await _kit.EncryptAsync(key.KeyId, [9])).CiphertextBlob;

        await _kit.SetStateAsync(key.KeyId, KeyStates.Disabled);
        await Fails("DisabledException", () => _kit.EncryptAsync(key.KeyId, [9]), $"{key.Arn} is disabled.");
        await Fails("DisabledException", () => _kit.DecryptAsync(blob), $"{key.Arn} is disabled.");

        await _kit.SetStateAsync(key.KeyId, KeyStates.PendingDeletion);
        await Fails("KMSInvalidStateException", () => _kit.EncryptAsync(key.KeyId, [9]), $"{key.Arn} is pending deletion.");
        await Fails("KMSInvalidStateException", () => _kit.DecryptAsync(blob), $"{key.Arn} is pending deletion.");

        await _kit.SetStateAsync(key.KeyId, KeyStates.Enabled);
        using var p = (await _kit.DecryptAsync(blob)).Plaintext;
        Assert.Equal([9], p.UnsafeExpose().ToArray());
    }

    [Fact]
    public async Task Encryption_context_is_logged_by_the_audit()
    {
        var key = await _kit.CreateKeyAsync();
        await _kit.EncryptAsync(key.KeyId, [1], Ctx(("aws:s3:arn", "arn:aws:s3:::b/k")));
        await _kit.Kms.Audit.FlushAsync();
        var e = _kit.Kms.Audit.Recent().First(x => x.EventName == "Encrypt");
        Assert.Contains("arn:aws:s3:::b/k", e.Json, StringComparison.Ordinal);
        Assert.Equal([key.Arn!], e.ResourceArns);
    }
}
