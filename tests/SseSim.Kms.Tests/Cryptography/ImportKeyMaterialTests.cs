using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using SseSim.Kms.Model;
using SseSim.Kms.Operations;
using static SseSim.Kms.Tests.Cryptography.CryptoKit;

namespace SseSim.Kms.Tests.Cryptography;

public sealed class ImportKeyMaterialTests : IAsyncLifetime
{
    private readonly CryptoKit _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private Task<GetParametersForImportResponse> ParametersAsync(string keyId, string algorithm, string spec = "RSA_2048") =>
        _kit.Call("GetParametersForImport", new GetParametersForImportRequest { KeyId = keyId, WrappingAlgorithm = algorithm, WrappingKeySpec = spec },
            GetParametersForImport.ExecuteAsync);

    private Task<ImportKeyMaterialResponse> ImportAsync(string keyId, byte[] token, byte[] wrapped, string? model = ImportKeyMaterial.DoesNotExpire, DateTimeOffset? validTo = null) =>
        _kit.Call("ImportKeyMaterial", new ImportKeyMaterialRequest { KeyId = keyId, ImportToken = token, EncryptedKeyMaterial = wrapped, ExpirationModel = model, ValidTo = validTo },
            ImportKeyMaterial.ExecuteAsync);

    /// <summary>Wraps as a BYOK client would, with only the public key from GetParametersForImport.</summary>
    private static byte[] Wrap(byte[] publicKey, string algorithm, byte[] material)
    {
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(publicKey, out _);
        switch (algorithm)
        {
            case "RSAES_OAEP_SHA_1":
                return rsa.Encrypt(material, RSAEncryptionPadding.OaepSHA1);
            case "RSAES_OAEP_SHA_256":
                return rsa.Encrypt(material, RSAEncryptionPadding.OaepSHA256);
            default:
                var kek = RandomNumberGenerator.GetBytes(32);
                var padding = algorithm == "RSA_AES_KEY_WRAP_SHA_1" ? RSAEncryptionPadding.OaepSHA1 : RSAEncryptionPadding.OaepSHA256;
                return [.. rsa.Encrypt(kek, padding), .. AesKeyWrapPadding.Wrap(kek, material)];
        }
    }

    [Fact]
    public async Task The_deprecated_PKCS1_wrapping_algorithm_is_refused()
    {
        var key = await _kit.CreateKeyAsync(origin: Origins.External);
        await Fails("ValidationException", () => ParametersAsync(key.KeyId, "RSAES_PKCS1_V1_5"));
    }

    [Theory]
    [InlineData("RSAES_OAEP_SHA_1")]
    [InlineData("RSAES_OAEP_SHA_256")]
    [InlineData("RSA_AES_KEY_WRAP_SHA_1")]
    [InlineData("RSA_AES_KEY_WRAP_SHA_256")]
    public async Task Byok_end_to_end(string algorithm)
    {
        var key = await _kit.CreateKeyAsync(origin: Origins.External);
        Assert.Equal(KeyStates.PendingImport, key.KeyState);
        await Fails("KMSInvalidStateException", () => _kit.EncryptAsync(key.KeyId, [1]), $"{key.Arn} is pending import.");

        var parameters = await ParametersAsync(key.KeyId, algorithm);
        Assert.Equal(key.Arn, parameters.KeyId);
        Assert.Equal(_kit.Time.GetUtcNow().AddHours(24), parameters.ParametersValidTo);
        var material = RandomNumberGenerator.GetBytes(32);
        var imported = await ImportAsync(key.KeyId, parameters.ImportToken, Wrap(parameters.PublicKey, algorithm, material));
        Assert.Equal(64, imported.KeyMaterialId.Length);

        var blob = (await _kit.EncryptAsync(key.KeyId, [4, 2])).CiphertextBlob;
        var decrypted = await _kit.DecryptAsync(blob);
        Assert.Equal([4, 2], decrypted.Plaintext.UnsafeExpose().ToArray());
        Assert.Equal(imported.KeyMaterialId, decrypted.KeyMaterialId);

        var deleted = await _kit.Call("DeleteImportedKeyMaterial", new DeleteImportedKeyMaterialRequest { KeyId = key.KeyId }, DeleteImportedKeyMaterial.ExecuteAsync);
        Assert.Equal(imported.KeyMaterialId, deleted.KeyMaterialId);
        Assert.Equal(KeyStates.PendingImport, _kit.Kms.Store.FindKey(key.KeyId)!.KeyState);
        await Fails("KMSInvalidStateException", () => _kit.DecryptAsync(blob), $"{key.Arn} is pending import.");

        // Only the same material may come back; then old ciphertext opens again.
        var again = await ParametersAsync(key.KeyId, algorithm);
        await Fails("IncorrectKeyMaterialException", () => ImportAsync(key.KeyId, again.ImportToken, Wrap(again.PublicKey, algorithm, RandomNumberGenerator.GetBytes(32))));
        var reimported = await ImportAsync(key.KeyId, again.ImportToken, Wrap(again.PublicKey, algorithm, material));
        Assert.Equal(imported.KeyMaterialId, reimported.KeyMaterialId);
        using var p = (await _kit.DecryptAsync(blob)).Plaintext;
        Assert.Equal([4, 2], p.UnsafeExpose().ToArray());
    }

    [Fact]
    public async Task Tokens_are_bound_to_the_key_and_expire()
    {
        var a = await _kit.CreateKeyAsync(origin: Origins.External);
        var b = await _kit.CreateKeyAsync(origin: Origins.External);
        var parameters = await ParametersAsync(a.KeyId, "RSAES_OAEP_SHA_256");
        var wrapped = Wrap(parameters.PublicKey, "RSAES_OAEP_SHA_256", RandomNumberGenerator.GetBytes(32));
        await Fails("InvalidImportTokenException", () => ImportAsync(b.KeyId, parameters.ImportToken, wrapped));
        var corrupt = (byte[])parameters.ImportToken.Clone();
        corrupt[20] ^= 1;
        await Fails("InvalidImportTokenException", () => ImportAsync(a.KeyId, corrupt, wrapped));
        await Fails("InvalidCiphertextException", () => ImportAsync(a.KeyId, parameters.ImportToken, [.. wrapped[..^1], (byte)(wrapped[^1] ^ 1)]));
        _kit.Time.Advance(TimeSpan.FromHours(24));
        await Fails("ExpiredImportTokenException", () => ImportAsync(a.KeyId, parameters.ImportToken, wrapped));
    }

    [Fact]
    public async Task Expiration_model_rules_and_expiry()
    {
        var key = await _kit.CreateKeyAsync(origin: Origins.External);
        var parameters = await ParametersAsync(key.KeyId, "RSAES_OAEP_SHA_256");
        var wrapped = Wrap(parameters.PublicKey, "RSAES_OAEP_SHA_256", RandomNumberGenerator.GetBytes(32));
        await Fails("ValidationException", () => ImportAsync(key.KeyId, parameters.ImportToken, wrapped, model: null),
            "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES");
        await Fails("ValidationException", () => ImportAsync(key.KeyId, parameters.ImportToken, wrapped, validTo: _kit.Time.GetUtcNow().AddDays(1)));
        await Fails("ValidationException", () => ImportAsync(key.KeyId, parameters.ImportToken, wrapped, ImportKeyMaterial.Expires, _kit.Time.GetUtcNow().AddDays(-1)));

        await ImportAsync(key.KeyId, parameters.ImportToken, wrapped, ImportKeyMaterial.Expires, _kit.Time.GetUtcNow().AddDays(2));
        var described = await _kit.Call("DescribeKey", new DescribeKeyRequest { KeyId = key.KeyId }, DescribeKey.ExecuteAsync);
        Assert.Equal(ImportKeyMaterial.Expires, described.KeyMetadata.ExpirationModel);
        Assert.Equal(_kit.Time.GetUtcNow().AddDays(2), described.KeyMetadata.ValidTo);
        await _kit.EncryptAsync(key.KeyId, [1]);

        _kit.Time.Advance(TimeSpan.FromDays(2));
        await Fails("KMSInvalidStateException", () => _kit.EncryptAsync(key.KeyId, [1]), $"{key.Arn} is pending import.");
        Assert.Equal(KeyStates.PendingImport, _kit.Kms.Store.FindKey(key.KeyId)!.KeyState);
    }

    [Fact]
    public async Task DeleteExpiredKeyMaterial_service_event_when_imported_material_expires()
    {
        var key = await _kit.CreateKeyAsync(origin: Origins.External);
        var parameters = await ParametersAsync(key.KeyId, "RSAES_OAEP_SHA_256");
        var wrapped = Wrap(parameters.PublicKey, "RSAES_OAEP_SHA_256", RandomNumberGenerator.GetBytes(32));
        var imported = await ImportAsync(key.KeyId, parameters.ImportToken, wrapped, ImportKeyMaterial.Expires, _kit.Time.GetUtcNow().AddDays(2));
        await _kit.EncryptAsync(key.KeyId, [1]);

        // A call that does not use the key still sees the material gone once ValidTo has passed.
        _kit.Time.Advance(TimeSpan.FromDays(2).Add(TimeSpan.FromSeconds(1)));
        var described = await _kit.Call("DescribeKey", new DescribeKeyRequest { KeyId = key.KeyId }, DescribeKey.ExecuteAsync);
        Assert.Equal(KeyStates.PendingImport, described.KeyMetadata.KeyState);
        Assert.Null(described.KeyMetadata.ValidTo);

        // ct-deleteexpiredkeymaterial
        await _kit.Kms.Audit.FlushAsync();
        var events = _kit.Kms.Audit.Recent().Where(x => x.EventName == "DeleteExpiredKeyMaterial").ToList();
        using var doc = System.Text.Json.JsonDocument.Parse(Assert.Single(events).Json);
        var e = doc.RootElement;
        Assert.Equal("AwsServiceEvent", e.GetProperty("eventType").GetString());
        Assert.Equal("AWS Internal", e.GetProperty("userIdentity").GetProperty("invokedBy").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, e.GetProperty("requestParameters").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, e.GetProperty("responseElements").ValueKind);
        Assert.False(e.GetProperty("readOnly").GetBoolean());
        Assert.Equal(key.Arn, e.GetProperty("resources")[0].GetProperty("ARN").GetString());
        Assert.Equal("2026-01-03T00:00:01Z", e.GetProperty("eventTime").GetString());
        var details = e.GetProperty("serviceEventDetails");
        Assert.Equal(key.KeyId, details.GetProperty("keyId").GetString());
        Assert.Equal(imported.KeyMaterialId, details.GetProperty("keyMaterialId").GetString());

        await Fails("KMSInvalidStateException", () => _kit.EncryptAsync(key.KeyId, [1]), $"{key.Arn} is pending import.");
        await _kit.Kms.Audit.FlushAsync();
        Assert.Single(_kit.Kms.Audit.Recent(), x => x.EventName == "DeleteExpiredKeyMaterial");
    }

    [Fact]
    public async Task Origin_and_material_shape_checks()
    {
        var kmsKey = await _kit.CreateKeyAsync();
        await Fails("UnsupportedOperationException", () => ParametersAsync(kmsKey.KeyId, "RSAES_OAEP_SHA_256"),
            $"{kmsKey.Arn} origin is AWS_KMS which is not valid for this operation.");
        await Fails("UnsupportedOperationException", () => _kit.Call("DeleteImportedKeyMaterial", new DeleteImportedKeyMaterialRequest { KeyId = kmsKey.KeyId },
            DeleteImportedKeyMaterial.ExecuteAsync), $"{kmsKey.Arn} origin is AWS_KMS which is not valid for this operation.");
        var key = await _kit.CreateKeyAsync(origin: Origins.External);
        await Fails("InvalidArnException", () => ParametersAsync($"arn:aws:kms:us-east-1:{Account}:alias/x", "RSAES_OAEP_SHA_256"));
        await Fails("UnsupportedOperationException", () => ParametersAsync(key.KeyId, "SM2PKE"));
        var parameters = await ParametersAsync(key.KeyId, "RSAES_OAEP_SHA_256");
        await Fails("IncorrectKeyMaterialException", () => ImportAsync(key.KeyId, parameters.ImportToken, Wrap(parameters.PublicKey, "RSAES_OAEP_SHA_256", new byte[16])));
    }

    private Task<ImportKeyMaterialResponse> ImportTypedAsync(string keyId, byte[] material, string? importType, string? materialId = null, string? description = null) =>
        ParametersAsync(keyId, "RSAES_OAEP_SHA_256").ContinueWith(t => _kit.Call("ImportKeyMaterial", new ImportKeyMaterialRequest
        {
            KeyId = keyId,
            ImportToken = t.Result.ImportToken,
            EncryptedKeyMaterial = Wrap(t.Result.PublicKey, "RSAES_OAEP_SHA_256", material),
            ExpirationModel = ImportKeyMaterial.DoesNotExpire,
            ImportType = importType,
            KeyMaterialId = materialId,
            KeyMaterialDescription = description,
        }, ImportKeyMaterial.ExecuteAsync)).Unwrap();

    private Task<ListKeyRotationsResponse> RotationsAsync(string keyId, string? include = "ALL_KEY_MATERIAL") =>
        _kit.Call("ListKeyRotations", new ListKeyRotationsRequest { KeyId = keyId, IncludeKeyMaterial = include }, ListKeyRotations.ExecuteAsync);

    private Task<RotateKeyOnDemandResponse> RotateAsync(string keyId) =>
        _kit.Call("RotateKeyOnDemand", new RotateKeyOnDemandRequest { KeyId = keyId }, RotateKeyOnDemand.ExecuteAsync);

    [Fact]
    public async Task New_key_material_waits_for_RotateKeyOnDemand_and_every_material_must_be_imported_for_use()
    {
        var key = await _kit.CreateKeyAsync(origin: Origins.External);
        var first = RandomNumberGenerator.GetBytes(32);
        var second = RandomNumberGenerator.GetBytes(32);
        var firstId = (await ImportTypedAsync(key.KeyId, first, importType: null, description: "first")).KeyMaterialId;
        var blob1 = (await _kit.EncryptAsync(key.KeyId, [1])).CiphertextBlob;
        await Fails("KMSInvalidStateException", () => RotateAsync(key.KeyId));

        // ImportType defaults to EXISTING_KEY_MATERIAL once the key has material, so other material is refused.
        await Fails("IncorrectKeyMaterialException", () => ImportTypedAsync(key.KeyId, second, importType: null));
        await Fails("IncorrectKeyMaterialException", () => ImportTypedAsync(key.KeyId, first, "NEW_KEY_MATERIAL"));
        var secondId = (await ImportTypedAsync(key.KeyId, second, "NEW_KEY_MATERIAL")).KeyMaterialId;
        Assert.NotEqual(firstId, secondId);
        await Fails("KMSInvalidStateException", () => ImportTypedAsync(key.KeyId, RandomNumberGenerator.GetBytes(32), "NEW_KEY_MATERIAL"));
        var listed = (await RotationsAsync(key.KeyId)).Rotations;
        Assert.Equal([(firstId, "CURRENT", "IMPORTED"), (secondId, "PENDING_ROTATION", "IMPORTED")],
            listed.Select(r => (r.KeyMaterialId, r.KeyMaterialState, r.ImportState)));
        Assert.Equal("first", listed[0].KeyMaterialDescription);
        Assert.All(listed, r => Assert.Null(r.RotationType));
        Assert.Empty((await RotationsAsync(key.KeyId, include: null)).Rotations);
        // Pending material encrypts nothing until the rotation.
        Assert.Equal(firstId, (await _kit.DecryptAsync((await _kit.EncryptAsync(key.KeyId, [2])).CiphertextBlob)).KeyMaterialId);

        Assert.Equal(key.Arn, (await RotateAsync(key.KeyId)).KeyId);
        var rotation = Assert.Single((await RotationsAsync(key.KeyId, "ROTATIONS_ONLY")).Rotations);
        Assert.Equal((secondId, "CURRENT", "ON_DEMAND", ImportKeyMaterial.DoesNotExpire), (rotation.KeyMaterialId, rotation.KeyMaterialState, rotation.RotationType, rotation.ExpirationModel));
        Assert.Equal(_kit.Time.GetUtcNow(), rotation.RotationDate);
        var blob2 = (await _kit.EncryptAsync(key.KeyId, [3])).CiphertextBlob;
        Assert.Equal(secondId, (await _kit.DecryptAsync(blob2)).KeyMaterialId);
        Assert.Equal(firstId, (await _kit.DecryptAsync(blob1)).KeyMaterialId);

        // Deleting an earlier material makes the whole key unusable until that material is reimported.
        var deleted = await _kit.Call("DeleteImportedKeyMaterial", new DeleteImportedKeyMaterialRequest { KeyId = key.KeyId, KeyMaterialId = firstId },
            DeleteImportedKeyMaterial.ExecuteAsync);
        Assert.Equal(firstId, deleted.KeyMaterialId);
        Assert.Equal(KeyStates.PendingImport, _kit.Kms.Store.FindKey(key.KeyId)!.KeyState);
        await Fails("KMSInvalidStateException", () => _kit.DecryptAsync(blob2), $"{key.Arn} is pending import.");
        Assert.Equal(["PENDING_IMPORT", "IMPORTED"], (await RotationsAsync(key.KeyId)).Rotations.Select(r => r.ImportState));
        await Fails("IncorrectKeyMaterialException", () => ImportTypedAsync(key.KeyId, first, "EXISTING_KEY_MATERIAL", materialId: secondId));
        await ImportTypedAsync(key.KeyId, first, "EXISTING_KEY_MATERIAL", materialId: firstId);
        Assert.Equal(KeyStates.Enabled, _kit.Kms.Store.FindKey(key.KeyId)!.KeyState);
        Assert.Equal("first", (await RotationsAsync(key.KeyId)).Rotations[0].KeyMaterialDescription);
        using var p1 = (await _kit.DecryptAsync(blob1)).Plaintext;
        Assert.Equal([1], p1.UnsafeExpose().ToArray());
        using var p2 = (await _kit.DecryptAsync(blob2)).Plaintext;
        Assert.Equal([3], p2.UnsafeExpose().ToArray());
    }

    [Fact]
    public async Task Asymmetric_keys_take_no_second_material()
    {
        var key = await _kit.CreateKeyAsync("ECC_NIST_P256", KeyUsages.SignVerify, Origins.External);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await ImportTypedAsync(key.KeyId, ec.ExportPkcs8PrivateKey(), importType: null);
        await Fails("UnsupportedOperationException", () => ImportTypedAsync(key.KeyId, other.ExportPkcs8PrivateKey(), "NEW_KEY_MATERIAL"));
        await Fails("IncorrectKeyMaterialException", () => ImportTypedAsync(key.KeyId, other.ExportPkcs8PrivateKey(), importType: null));
    }

    [Fact]
    public async Task Imported_symmetric_key_refuses_automatic_rotation()
    {
        var key = await _kit.CreateKeyAsync(origin: Origins.External);
        var parameters = await ParametersAsync(key.KeyId, "RSAES_OAEP_SHA_256");
        await ImportAsync(key.KeyId, parameters.ImportToken, Wrap(parameters.PublicKey, "RSAES_OAEP_SHA_256", RandomNumberGenerator.GetBytes(32)));
        // "You cannot enable automatic rotation of ... KMS keys with imported key material" (EnableKeyRotation).
        await Fails("UnsupportedOperationException", () => _kit.Call("EnableKeyRotation", new EnableKeyRotationRequest { KeyId = key.KeyId }, EnableKeyRotation.ExecuteAsync),
            $"{key.Arn} origin is EXTERNAL which is not valid for this operation.");
        await Fails("UnsupportedOperationException", () => _kit.Call("DisableKeyRotation", new DisableKeyRotationRequest { KeyId = key.KeyId }, DisableKeyRotation.ExecuteAsync));
        var status = await _kit.Call("GetKeyRotationStatus", new GetKeyRotationStatusRequest { KeyId = key.KeyId }, GetKeyRotationStatus.ExecuteAsync);
        Assert.False(status.KeyRotationEnabled);
    }

    [Fact]
    public async Task Imported_ecc_signing_key_signs()
    {
        var key = await _kit.CreateKeyAsync("ECC_NIST_P256", KeyUsages.SignVerify, Origins.External);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = await ParametersAsync(key.KeyId, "RSA_AES_KEY_WRAP_SHA_256", "RSA_3072");
        await ImportAsync(key.KeyId, parameters.ImportToken, Wrap(parameters.PublicKey, "RSA_AES_KEY_WRAP_SHA_256", ec.ExportPkcs8PrivateKey()));
        var signed = await _kit.Call("Sign", new SignRequest { KeyId = key.KeyId, Message = [1, 2], SigningAlgorithm = "ECDSA_SHA_256" }, Sign.ExecuteAsync);
        Assert.True(ec.VerifyData(new byte[] { 1, 2 }, signed.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        var publicKey = await _kit.Call("GetPublicKey", new GetPublicKeyRequest { KeyId = key.KeyId }, GetPublicKey.ExecuteAsync);
        Assert.Equal(ec.ExportSubjectPublicKeyInfo(), publicKey.PublicKey);
    }

    // RFC 5649 section 6 vectors (also checked against pyca/cryptography's aes_key_wrap_with_padding).
    [Theory]
    [InlineData("466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f")]
    [InlineData("c37b7e6492584340bed12207808941155068f738", "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a")]
    public void Aes_key_wrap_with_padding_matches_rfc_5649(string material, string expected)
    {
        var kek = Convert.FromHexString("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8");
        var plaintext = Convert.FromHexString(material);
        var wrapped = AesKeyWrapPadding.Wrap(kek, plaintext);
        Assert.Equal(expected, Convert.ToHexStringLower(wrapped));
        Assert.Equal(plaintext, AesKeyWrapPadding.Unwrap(kek, wrapped));
        wrapped[3] ^= 1;
        Assert.Null(AesKeyWrapPadding.Unwrap(kek, wrapped));
    }

    private async Task ImportPkcs8Async(string keyId, byte[] pkcs8)
    {
        var parameters = await ParametersAsync(keyId, "RSA_AES_KEY_WRAP_SHA_256", "RSA_3072");
        await ImportAsync(keyId, parameters.ImportToken, Wrap(parameters.PublicKey, "RSA_AES_KEY_WRAP_SHA_256", pkcs8));
    }

    private static AsymmetricCipherKeyPair OfflineMlDsa(MLDsaParameters parameters)
    {
        var generator = new MLDsaKeyPairGenerator();
        generator.Init(new MLDsaKeyGenerationParameters(new SecureRandom(), parameters));
        return generator.GenerateKeyPair();
    }

    [Fact]
    public async Task Imported_ed25519_key_verifies_offline_signatures_and_its_signatures_verify_offline()
    {
        var key = await _kit.CreateKeyAsync("ECC_NIST_EDWARDS25519", KeyUsages.SignVerify, Origins.External);
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        await ImportPkcs8Async(key.KeyId, PrivateKeyInfoFactory.CreatePrivateKeyInfo(pair.Private).GetDerEncoded());
        var publicKey = await _kit.Call("GetPublicKey", new GetPublicKeyRequest { KeyId = key.KeyId }, GetPublicKey.ExecuteAsync);
        Assert.Equal(SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(pair.Public).GetDerEncoded(), publicKey.PublicKey);

        var message = "signed elsewhere"u8.ToArray();
        var offline = new Ed25519Signer();
        offline.Init(true, pair.Private);
        offline.BlockUpdate(message, 0, message.Length);
        var offlineSignature = offline.GenerateSignature();
        var verified = await _kit.Call("Verify", new VerifyRequest { KeyId = key.KeyId, Message = message, Signature = offlineSignature, SigningAlgorithm = "ED25519_SHA_512" },
            Verify.ExecuteAsync);
        Assert.True(verified.SignatureValid);
        var signed = await _kit.Call("Sign", new SignRequest { KeyId = key.KeyId, Message = message, SigningAlgorithm = "ED25519_SHA_512" }, Sign.ExecuteAsync);
        Assert.Equal(offlineSignature, signed.Signature);
    }

    [Fact]
    public async Task Imported_ml_dsa_key_verifies_offline_signatures_and_refuses_another_parameter_set()
    {
        var key = await _kit.CreateKeyAsync("ML_DSA_65", KeyUsages.SignVerify, Origins.External);
        var wrongSet = OfflineMlDsa(MLDsaParameters.ml_dsa_44);
        await Fails("IncorrectKeyMaterialException", () => ImportPkcs8Async(key.KeyId, PrivateKeyInfoFactory.CreatePrivateKeyInfo(wrongSet.Private).GetDerEncoded()));
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await Fails("IncorrectKeyMaterialException", () => ImportPkcs8Async(key.KeyId, ec.ExportPkcs8PrivateKey()));
        Assert.Equal(KeyStates.PendingImport, _kit.Kms.Store.FindKey(key.KeyId)!.KeyState);

        // BouncyCastle's default PKCS#8 carries both the seed and the expanded key.
        var pair = OfflineMlDsa(MLDsaParameters.ml_dsa_65);
        await ImportPkcs8Async(key.KeyId, PrivateKeyInfoFactory.CreatePrivateKeyInfo(pair.Private).GetDerEncoded());
        var publicKey = await _kit.Call("GetPublicKey", new GetPublicKeyRequest { KeyId = key.KeyId }, GetPublicKey.ExecuteAsync);
        Assert.Equal(SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(pair.Public).GetDerEncoded(), publicKey.PublicKey);

        var message = "signed elsewhere, hedged"u8.ToArray();
        var offline = new MLDsaSigner(MLDsaParameters.ml_dsa_65, deterministic: false);
        offline.Init(true, pair.Private);
        offline.BlockUpdate(message, 0, message.Length);
        var verified = await _kit.Call("Verify", new VerifyRequest { KeyId = key.KeyId, Message = message, Signature = offline.GenerateSignature(), SigningAlgorithm = "ML_DSA_SHAKE_256" },
            Verify.ExecuteAsync);
        Assert.True(verified.SignatureValid);
        // Sign is deterministic ML-DSA: the offline deterministic signer gives the same bytes.
        var signed = await _kit.Call("Sign", new SignRequest { KeyId = key.KeyId, Message = message, SigningAlgorithm = "ML_DSA_SHAKE_256" }, Sign.ExecuteAsync);
        var deterministic = new MLDsaSigner(MLDsaParameters.ml_dsa_65, deterministic: true);
        deterministic.Init(true, pair.Private);
        deterministic.BlockUpdate(message, 0, message.Length);
        Assert.Equal(deterministic.GenerateSignature(), signed.Signature);
    }
}
