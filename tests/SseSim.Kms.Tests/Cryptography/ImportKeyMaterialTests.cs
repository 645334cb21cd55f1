using System.Security.Cryptography;
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
            case "RSAES_PKCS1_V1_5":
                return rsa.Encrypt(material, RSAEncryptionPadding.Pkcs1);
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

    [Theory]
    [InlineData("RSAES_PKCS1_V1_5")]
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
}
