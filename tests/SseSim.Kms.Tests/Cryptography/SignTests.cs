using System.Security.Cryptography;
using SseSim.Kms.Model;
using SseSim.Kms.Operations;
using static SseSim.Kms.Tests.Cryptography.CryptoKit;

namespace SseSim.Kms.Tests.Cryptography;

public sealed class SignTests : IAsyncLifetime
{
    private readonly CryptoKit _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private Task<SignResponse> SignAsync(string keyId, byte[] message, string algorithm, string? messageType = null) =>
        _kit.Call("Sign", new SignRequest { KeyId = keyId, Message = message, SigningAlgorithm = algorithm, MessageType = messageType }, Sign.ExecuteAsync);

    private Task<VerifyResponse> VerifyAsync(string keyId, byte[] message, byte[] signature, string algorithm, string? messageType = null) =>
        _kit.Call("Verify", new VerifyRequest { KeyId = keyId, Message = message, Signature = signature, SigningAlgorithm = algorithm, MessageType = messageType },
            Verify.ExecuteAsync);

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var spec in new[] { "RSA_2048", "RSA_3072", "RSA_4096" })
        {
            foreach (var alg in new[] { "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512" })
            {
                data.Add(spec, alg);
            }
        }
        data.Add("ECC_NIST_P256", "ECDSA_SHA_256");
        data.Add("ECC_NIST_P384", "ECDSA_SHA_384");
        data.Add("ECC_NIST_P521", "ECDSA_SHA_512");
        data.Add("ECC_SECG_P256K1", "ECDSA_SHA_256");
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Signatures_verify_in_kms_and_with_an_independent_verifier(string spec, string algorithm)
    {
        var key = await _kit.CreateKeyAsync(spec, KeyUsages.SignVerify);
        var message = "the quick brown fox"u8.ToArray();
        var signed = await SignAsync(key.KeyId, message, algorithm);
        Assert.Equal(key.Arn, signed.KeyId);
        Assert.Equal(algorithm, signed.SigningAlgorithm);

        var verified = await VerifyAsync(key.KeyId, message, signed.Signature, algorithm);
        Assert.True(verified.SignatureValid);

        var publicKey = await _kit.Call("GetPublicKey", new GetPublicKeyRequest { KeyId = key.KeyId }, GetPublicKey.ExecuteAsync);
        Assert.Equal(spec, publicKey.KeySpec);
        Assert.Equal(KeyUsages.SignVerify, publicKey.KeyUsage);
        Assert.Contains(algorithm, publicKey.SigningAlgorithms!);
        Assert.Null(publicKey.EncryptionAlgorithms);
        var hash = algorithm[^3..] switch { "256" => HashAlgorithmName.SHA256, "384" => HashAlgorithmName.SHA384, _ => HashAlgorithmName.SHA512 };
        if (spec.StartsWith("RSA", StringComparison.Ordinal))
        {
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(publicKey.PublicKey, out _);
            var padding = algorithm.Contains("PSS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
            Assert.True(rsa.VerifyData(message, signed.Signature, hash, padding));
        }
        else
        {
            using var ec = ECDsa.Create();
            ec.ImportSubjectPublicKeyInfo(publicKey.PublicKey, out _);
            Assert.True(ec.VerifyData(message, signed.Signature, hash, DSASignatureFormat.Rfc3279DerSequence));
            Assert.Equal(0x30, signed.Signature[0]);
        }

        // DIGEST mode signs the given hash: verifies against the RAW message too.
        var digest = hash == HashAlgorithmName.SHA256 ? SHA256.HashData(message) : hash == HashAlgorithmName.SHA384 ? SHA384.HashData(message) : SHA512.HashData(message);
        var fromDigest = await SignAsync(key.KeyId, digest, algorithm, "DIGEST");
        Assert.True((await VerifyAsync(key.KeyId, message, fromDigest.Signature, algorithm)).SignatureValid);
    }

    [Fact]
    public async Task Bad_signature_is_an_error_with_empty_message()
    {
        var key = await _kit.CreateKeyAsync("ECC_NIST_P256", KeyUsages.SignVerify);
        var signed = await SignAsync(key.KeyId, [1, 2, 3], "ECDSA_SHA_256");
        await Fails("KMSInvalidSignatureException", () => VerifyAsync(key.KeyId, [1, 2, 4], signed.Signature, "ECDSA_SHA_256"), "");
        await Fails("KMSInvalidSignatureException", () => VerifyAsync(key.KeyId, [1, 2, 3], [1, 2, 3], "ECDSA_SHA_256"), "");
        var tampered = (byte[])signed.Signature.Clone();
        tampered[^1] ^= 1;
        await Fails("KMSInvalidSignatureException", () => VerifyAsync(key.KeyId, [1, 2, 3], tampered, "ECDSA_SHA_256"), "");
    }

    [Fact]
    public async Task Digest_length_algorithm_and_usage_checks()
    {
        var key = await _kit.CreateKeyAsync("ECC_NIST_P256", KeyUsages.SignVerify);
        await Fails("ValidationException", () => SignAsync(key.KeyId, new byte[31], "ECDSA_SHA_256", "DIGEST"), "Digest is invalid length for algorithm ECDSA_SHA_256.");
        await Fails("InvalidKeyUsageException", () => SignAsync(key.KeyId, [1], "ECDSA_SHA_384"), "Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256.");
        await Fails("InvalidKeyUsageException", () => SignAsync(key.KeyId, [1], "RSASSA_PSS_SHA_256"), "Algorithm RSASSA_PSS_SHA_256 is incompatible with key spec ECC_NIST_P256.");
        await Fails("ValidationException", () => SignAsync(key.KeyId, [1], "MD5"));
        await Fails("ValidationException", () => _kit.Call("Sign", new SignRequest { KeyId = key.KeyId, Message = [1] }, Sign.ExecuteAsync),
            "1 validation error detected: Value null at 'signingAlgorithm' failed to satisfy constraint: Member must not be null");
        await Fails("DryRunOperationException", () => _kit.Call("Sign", new SignRequest { KeyId = key.KeyId, Message = [1], SigningAlgorithm = "ECDSA_SHA_256", DryRun = true },
            Sign.ExecuteAsync));

        var symmetric = await _kit.CreateKeyAsync();
        await Fails("InvalidKeyUsageException", () => SignAsync(symmetric.KeyId, [1], "ECDSA_SHA_256"), $"{symmetric.Arn} key usage is ENCRYPT_DECRYPT which is not valid for Sign.");
        await Fails("UnsupportedOperationException", () => _kit.Call("GetPublicKey", new GetPublicKeyRequest { KeyId = symmetric.KeyId }, GetPublicKey.ExecuteAsync));

        await _kit.SetStateAsync(key.KeyId, KeyStates.Disabled);
        await Fails("DisabledException", () => SignAsync(key.KeyId, [1], "ECDSA_SHA_256"), $"{key.Arn} is disabled.");
        await Fails("DisabledException", () => _kit.Call("GetPublicKey", new GetPublicKeyRequest { KeyId = key.KeyId }, GetPublicKey.ExecuteAsync));
    }

    [Fact]
    public async Task Rsa_encryption_key_public_key_lists_encryption_algorithms()
    {
        var key = await _kit.CreateKeyAsync("RSA_2048", KeyUsages.EncryptDecrypt);
        var publicKey = await _kit.Call("GetPublicKey", new GetPublicKeyRequest { KeyId = key.KeyId }, GetPublicKey.ExecuteAsync);
        Assert.Equal(["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"], publicKey.EncryptionAlgorithms!);
        Assert.Null(publicKey.SigningAlgorithms);
        await Fails("InvalidKeyUsageException", () => SignAsync(key.KeyId, [1], "RSASSA_PSS_SHA_256"), $"{key.Arn} key usage is ENCRYPT_DECRYPT which is not valid for Sign.");
    }
}
