using System.Diagnostics;
using System.Security.Cryptography;
using SseSim.Kms.Model;
using SseSim.Kms.Operations;
using static SseSim.Kms.Tests.Cryptography.CryptoKit;

namespace SseSim.Kms.Tests.Cryptography;

public sealed class GenerateDataKeyTests : IAsyncLifetime
{
    private readonly CryptoKit _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private Task<GenerateDataKeyResponse> Generate(GenerateDataKeyRequest request) => _kit.Call("GenerateDataKey", request, GenerateDataKey.ExecuteAsync);

    [Theory]
    [InlineData("AES_256", null, 32)]
    [InlineData("AES_128", null, 16)]
    [InlineData(null, 1, 1)]
    [InlineData(null, 64, 64)]
    [InlineData(null, 1024, 1024)]
    public async Task Data_key_decrypts_to_its_plaintext(string? spec, int? bytes, int expected)
    {
        var key = await _kit.CreateKeyAsync();
        var context = Ctx(("aws:ebs:id", "vol-1"));
        var response = await Generate(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = spec, NumberOfBytes = bytes, EncryptionContext = context });
        Assert.Equal(expected, response.Plaintext.Length);
        Assert.Equal(key.Arn, response.KeyId);
        Assert.Equal(key.CurrentKeyMaterialId, response.KeyMaterialId);
        using var decrypted = (await _kit.DecryptAsync(response.CiphertextBlob, context)).Plaintext;
        Assert.True(decrypted.Equals(response.Plaintext));
        response.Plaintext.Dispose();
    }

    [Fact]
    public void GenerateDataKey_front_door_validation_allocates_nothing_for_a_valid_request()
    {
        // The benchmarked hot path runs this check on every call: it may allocate only to report a violation.
        var request = new GenerateDataKeyRequest { KeyId = "alias/aws/s3", KeySpec = "AES_256", GrantTokens = ["token"], EncryptionContext = Ctx(("a", "b")) };
        RequestErrors.Check(request);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            RequestErrors.Check(request);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        var e = Assert.Throws<KmsException>(() => RequestErrors.Check(request with { NumberOfBytes = 0 }));
        Assert.Equal("ValidationException", e.ErrorType);
    }

    [Fact]
    public async Task Without_plaintext_is_decryptable()
    {
        var key = await _kit.CreateKeyAsync();
        var response = await _kit.Call("GenerateDataKeyWithoutPlaintext",
            new GenerateDataKeyWithoutPlaintextRequest { KeyId = key.KeyId, NumberOfBytes = 64, EncryptionContext = Ctx(("a", "b")) },
            GenerateDataKeyWithoutPlaintext.ExecuteAsync);
        Assert.Equal(key.Arn, response.KeyId);
        using var p = (await _kit.DecryptAsync(response.CiphertextBlob, Ctx(("a", "b")))).Plaintext;
        Assert.Equal(64, p.Length);
    }

    [Fact]
    public async Task Key_spec_xor_number_of_bytes_and_ranges()
    {
        var key = await _kit.CreateKeyAsync();
        const string Either = "Please specify either number of bytes or key spec.";
        await Fails("ValidationException", () => Generate(new GenerateDataKeyRequest { KeyId = key.KeyId }), Either);
        await Fails("ValidationException", () => Generate(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = "AES_256", NumberOfBytes = 32 }), Either);
        await Fails("ValidationException", () => Generate(new GenerateDataKeyRequest { KeyId = key.KeyId, NumberOfBytes = 1025 }),
            "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024");
        await Fails("ValidationException", () => Generate(new GenerateDataKeyRequest { KeyId = key.KeyId, NumberOfBytes = 0 }),
            "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1");
        await Fails("ValidationException", () => Generate(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = "AES_512" }),
            "1 validation error detected: Value 'AES_512' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]");
        await Fails("DryRunOperationException", () => Generate(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = "AES_256", DryRun = true }));
        await Fails("UnsupportedOperationException", () => Generate(new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = "AES_256", Recipient = new RecipientInfo() }));
    }

    [Fact]
    public async Task Asymmetric_and_signing_keys_cannot_make_data_keys()
    {
        var rsa = await _kit.CreateKeyAsync("RSA_2048", KeyUsages.EncryptDecrypt);
        await Fails("InvalidKeyUsageException", () => Generate(new GenerateDataKeyRequest { KeyId = rsa.KeyId, NumberOfBytes = 32 }),
            $"{rsa.Arn} key KeySpec is RSA_2048 which is not valid for GenerateDataKey.");
        var ecc = await _kit.CreateKeyAsync("ECC_NIST_P256", KeyUsages.SignVerify);
        await Fails("InvalidKeyUsageException", () => Generate(new GenerateDataKeyRequest { KeyId = ecc.KeyId, NumberOfBytes = 32 }),
            $"{ecc.Arn} key usage is SIGN_VERIFY which is not valid for GenerateDataKey.");
    }

    [Theory]
    [InlineData("RSA_2048")]
    [InlineData("RSA_3072")]
    [InlineData("RSA_4096")]
    [InlineData("ECC_NIST_P256")]
    [InlineData("ECC_NIST_P384")]
    [InlineData("ECC_NIST_P521")]
    [InlineData("ECC_SECG_P256K1")]
    public async Task Data_key_pair_private_key_matches_public_key_and_blob(string spec)
    {
        var key = await _kit.CreateKeyAsync();
        var pair = await _kit.Call("GenerateDataKeyPair", new GenerateDataKeyPairRequest { KeyId = key.KeyId, KeyPairSpec = spec, EncryptionContext = Ctx(("p", "q")) },
            GenerateDataKeyPair.ExecuteAsync);
        Assert.Equal(spec, pair.KeyPairSpec);
        Assert.Equal(key.Arn, pair.KeyId);
        using var fromBlob = (await _kit.DecryptAsync(pair.PrivateKeyCiphertextBlob, Ctx(("p", "q")))).Plaintext;
        Assert.True(fromBlob.Equals(pair.PrivateKeyPlaintext));

        var message = "sign me"u8.ToArray();
        if (spec.StartsWith("RSA", StringComparison.Ordinal))
        {
            using var priv = RSA.Create();
            priv.ImportPkcs8PrivateKey(pair.PrivateKeyPlaintext.UnsafeExpose(), out _);
            Assert.Equal(KeySpecInfo.All[spec].Bits, priv.KeySize);
            using var pub = RSA.Create();
            pub.ImportSubjectPublicKeyInfo(pair.PublicKey, out _);
            Assert.True(pub.VerifyData(message, priv.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pss), HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        }
        else
        {
            using var priv = ECDsa.Create();
            priv.ImportPkcs8PrivateKey(pair.PrivateKeyPlaintext.UnsafeExpose(), out _);
            using var pub = ECDsa.Create();
            pub.ImportSubjectPublicKeyInfo(pair.PublicKey, out _);
            Assert.True(pub.VerifyData(message, priv.SignData(message, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));
        }
        pair.PrivateKeyPlaintext.Dispose();

        var without = await _kit.Call("GenerateDataKeyPairWithoutPlaintext", new GenerateDataKeyPairWithoutPlaintextRequest { KeyId = key.KeyId, KeyPairSpec = spec },
            GenerateDataKeyPairWithoutPlaintext.ExecuteAsync);
        using var p = (await _kit.DecryptAsync(without.PrivateKeyCiphertextBlob)).Plaintext;
        Assert.Equal(0x30, p.UnsafeExpose()[0]);
        Assert.NotEmpty(without.PublicKey);
    }

    [Fact]
    public async Task Ed25519_data_key_pair_is_rfc_8410_pkcs8_with_its_spki()
    {
        var key = await _kit.CreateKeyAsync();
        var pair = await _kit.Call("GenerateDataKeyPair", new GenerateDataKeyPairRequest { KeyId = key.KeyId, KeyPairSpec = "ECC_NIST_EDWARDS25519" },
            GenerateDataKeyPair.ExecuteAsync);
        Assert.Equal("ECC_NIST_EDWARDS25519", pair.KeyPairSpec);
        using var fromBlob = (await _kit.DecryptAsync(pair.PrivateKeyCiphertextBlob)).Plaintext;
        Assert.True(fromBlob.Equals(pair.PrivateKeyPlaintext));
        var info = Org.BouncyCastle.Asn1.Pkcs.PrivateKeyInfo.GetInstance(pair.PrivateKeyPlaintext.UnsafeExpose().ToArray());
        Assert.Equal("1.3.101.112", info.PrivateKeyAlgorithm.Algorithm.Id);
        var spki = Org.BouncyCastle.Asn1.X509.SubjectPublicKeyInfo.GetInstance(pair.PublicKey);
        Assert.Equal("1.3.101.112", spki.Algorithm.Algorithm.Id);

        var privateKey = (Org.BouncyCastle.Crypto.Parameters.Ed25519PrivateKeyParameters)Org.BouncyCastle.Security.PrivateKeyFactory.CreateKey(info);
        Assert.Equal(spki.PublicKey.GetOctets(), privateKey.GeneratePublicKey().GetEncoded());
        pair.PrivateKeyPlaintext.Dispose();

        var without = await _kit.Call("GenerateDataKeyPairWithoutPlaintext",
            new GenerateDataKeyPairWithoutPlaintextRequest { KeyId = key.KeyId, KeyPairSpec = "ECC_NIST_EDWARDS25519" }, GenerateDataKeyPairWithoutPlaintext.ExecuteAsync);
        using var p = (await _kit.DecryptAsync(without.PrivateKeyCiphertextBlob)).Plaintext;
        var generated = (Org.BouncyCastle.Crypto.Parameters.Ed25519PrivateKeyParameters)Org.BouncyCastle.Security.PrivateKeyFactory.CreateKey(p.UnsafeExpose().ToArray());
        Assert.Equal(Org.BouncyCastle.Asn1.X509.SubjectPublicKeyInfo.GetInstance(without.PublicKey).PublicKey.GetOctets(), generated.GeneratePublicKey().GetEncoded());
    }

    [Fact]
    public async Task Data_key_pair_validation()
    {
        var key = await _kit.CreateKeyAsync();
        await Fails("ValidationException", () => _kit.Call("GenerateDataKeyPair", new GenerateDataKeyPairRequest { KeyId = key.KeyId }, GenerateDataKeyPair.ExecuteAsync),
            "1 validation error detected: Value null at 'keyPairSpec' failed to satisfy constraint: Member must not be null");
        await Fails("UnsupportedOperationException", () => _kit.Call("GenerateDataKeyPair", new GenerateDataKeyPairRequest { KeyId = key.KeyId, KeyPairSpec = "SM2" },
            GenerateDataKeyPair.ExecuteAsync));
    }

    [Fact]
    public async Task Generate_random()
    {
        var r = await _kit.Call("GenerateRandom", new GenerateRandomRequest { NumberOfBytes = 1024 }, GenerateRandom.ExecuteAsync);
        Assert.Equal(1024, r.Plaintext.Length);
        await Fails("ValidationException", () => _kit.Call("GenerateRandom", new GenerateRandomRequest(), GenerateRandom.ExecuteAsync), "NumberOfBytes is required.");
        await Fails("ValidationException", () => _kit.Call("GenerateRandom", new GenerateRandomRequest { NumberOfBytes = 1025 }, GenerateRandom.ExecuteAsync),
            "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024");
        // No custom key store exists in SseSim, so a named one is not found (as AWS answers an unknown id).
        await Fails("CustomKeyStoreNotFoundException", () => _kit.Call("GenerateRandom", new GenerateRandomRequest { NumberOfBytes = 8, CustomKeyStoreId = "cks-1" },
            GenerateRandom.ExecuteAsync));
    }
}
