using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using SseSim.Kms.Model;
using SseSim.Kms.Operations;
using static SseSim.Kms.Tests.Cryptography.CryptoKit;

namespace SseSim.Kms.Tests.Cryptography;

public sealed class SignTests(SharedKeys shared) : IAsyncLifetime, IClassFixture<SharedKeys>
{
    private readonly CryptoKit _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private Task<SignResponse> SignAsync(string keyId, byte[] message, string algorithm, string? messageType = null) =>
        SignAsync(_kit, keyId, message, algorithm, messageType);

    private static Task<SignResponse> SignAsync(CryptoKit kit, string keyId, byte[] message, string algorithm, string? messageType = null) =>
        kit.Call("Sign", new SignRequest { KeyId = keyId, Message = message, SigningAlgorithm = algorithm, MessageType = messageType }, Sign.ExecuteAsync);

    private Task<VerifyResponse> VerifyAsync(string keyId, byte[] message, byte[] signature, string algorithm, string? messageType = null) =>
        VerifyAsync(_kit, keyId, message, signature, algorithm, messageType);

    private static Task<VerifyResponse> VerifyAsync(CryptoKit kit, string keyId, byte[] message, byte[] signature, string algorithm, string? messageType = null) =>
        kit.Call("Verify", new VerifyRequest { KeyId = keyId, Message = message, Signature = signature, SigningAlgorithm = algorithm, MessageType = messageType },
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
        // The rows of a spec share its key (SharedKeys): each row still signs, verifies and reads it with its own algorithm.
        var kit = shared.Kit;
        var key = await shared.GetAsync(spec, KeyUsages.SignVerify);
        var message = "the quick brown fox"u8.ToArray();
        var signed = await SignAsync(kit, key.KeyId, message, algorithm);
        Assert.Equal(key.Arn, signed.KeyId);
        Assert.Equal(algorithm, signed.SigningAlgorithm);

        var verified = await VerifyAsync(kit, key.KeyId, message, signed.Signature, algorithm);
        Assert.True(verified.SignatureValid);

        var publicKey = await kit.Call("GetPublicKey", new GetPublicKeyRequest { KeyId = key.KeyId }, GetPublicKey.ExecuteAsync);
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
        var fromDigest = await SignAsync(kit, key.KeyId, digest, algorithm, "DIGEST");
        Assert.True((await VerifyAsync(kit, key.KeyId, message, fromDigest.Signature, algorithm)).SignatureValid);
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

    private Task<GetPublicKeyResponse> PublicKeyAsync(string keyId) =>
        _kit.Call("GetPublicKey", new GetPublicKeyRequest { KeyId = keyId }, GetPublicKey.ExecuteAsync);

    /// <summary>FIPS 204 section 6.2: μ = SHAKE256(SHAKE256(pk, 64) ‖ 0 ‖ 0 ‖ M, 64), computed outside KMS.</summary>
    private static byte[] ExternalMu(byte[] rawPublicKey, byte[] message)
    {
        var tr = new byte[64];
        var shake = new ShakeDigest(256);
        shake.BlockUpdate(rawPublicKey, 0, rawPublicKey.Length);
        shake.OutputFinal(tr, 0, 64);
        shake.BlockUpdate(tr, 0, 64);
        shake.Update(0);
        shake.Update(0);
        shake.BlockUpdate(message, 0, message.Length);
        var mu = new byte[64];
        shake.OutputFinal(mu, 0, 64);
        return mu;
    }

    [Fact]
    public async Task Ed25519_signs_raw_messages_and_prehashed_digests_that_verify_outside_kms()
    {
        var key = await _kit.CreateKeyAsync("ECC_NIST_EDWARDS25519", KeyUsages.SignVerify);
        Assert.Equal(["ED25519_SHA_512", "ED25519_PH_SHA_512"], key.SigningAlgorithms!);
        var publicKey = await PublicKeyAsync(key.KeyId);
        Assert.Equal("ECC_NIST_EDWARDS25519", publicKey.KeySpec);
        Assert.Equal(["ED25519_SHA_512", "ED25519_PH_SHA_512"], publicKey.SigningAlgorithms!);
        var spki = SubjectPublicKeyInfo.GetInstance(publicKey.PublicKey);
        Assert.Equal("1.3.101.112", spki.Algorithm.Algorithm.Id);
        var raw = spki.PublicKey.GetOctets();
        Assert.Equal(32, raw.Length);

        var message = "the quick brown fox"u8.ToArray();
        var signed = await SignAsync(key.KeyId, message, "ED25519_SHA_512");
        Assert.Equal(64, signed.Signature.Length);
        Assert.True((await VerifyAsync(key.KeyId, message, signed.Signature, "ED25519_SHA_512")).SignatureValid);
        // Ed25519 is deterministic (RFC 8032): the same message gives the same signature.
        Assert.Equal(signed.Signature, (await SignAsync(key.KeyId, message, "ED25519_SHA_512")).Signature);
        Assert.True(Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Verify(signed.Signature, 0, raw, 0, message, 0, message.Length));

        // ED25519_PH_SHA_512 takes the SHA-512 digest and KMS still prehashes it: Ed25519ph over SHA-512(digest).
        var digest = SHA512.HashData(message);
        var prehashed = await SignAsync(key.KeyId, digest, "ED25519_PH_SHA_512", "DIGEST");
        Assert.True((await VerifyAsync(key.KeyId, digest, prehashed.Signature, "ED25519_PH_SHA_512", "DIGEST")).SignatureValid);
        Assert.True(Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.VerifyPrehash(prehashed.Signature, 0, raw, 0, [], SHA512.HashData(digest), 0));
        var ph = new Ed25519phSigner([]);
        ph.Init(false, new Ed25519PublicKeyParameters(raw));
        ph.BlockUpdate(digest, 0, digest.Length);
        Assert.True(ph.VerifySignature(prehashed.Signature));
        Assert.NotEqual(signed.Signature, prehashed.Signature);

        // The two algorithms do not verify each other's signatures.
        await Fails("KMSInvalidSignatureException", () => VerifyAsync(key.KeyId, digest, signed.Signature, "ED25519_PH_SHA_512", "DIGEST"), "");
        var tampered = (byte[])signed.Signature.Clone();
        tampered[0] ^= 1;
        await Fails("KMSInvalidSignatureException", () => VerifyAsync(key.KeyId, message, tampered, "ED25519_SHA_512"), "");
    }

    [Fact]
    public async Task Ed25519_message_types_cannot_be_used_interchangeably()
    {
        var key = await _kit.CreateKeyAsync("ECC_NIST_EDWARDS25519", KeyUsages.SignVerify);
        var digest = SHA512.HashData([1, 2, 3]);
        await Fails("ValidationException", () => SignAsync(key.KeyId, digest, "ED25519_SHA_512", "DIGEST"), "MessageType DIGEST is not valid for algorithm ED25519_SHA_512.");
        await Fails("ValidationException", () => SignAsync(key.KeyId, digest, "ED25519_PH_SHA_512"), "MessageType RAW is not valid for algorithm ED25519_PH_SHA_512.");
        await Fails("ValidationException", () => SignAsync(key.KeyId, digest, "ED25519_PH_SHA_512", "EXTERNAL_MU"));
        await Fails("ValidationException", () => SignAsync(key.KeyId, new byte[32], "ED25519_PH_SHA_512", "DIGEST"), "Digest is invalid length for algorithm ED25519_PH_SHA_512.");
        await Fails("ValidationException", () => VerifyAsync(key.KeyId, digest, new byte[64], "ED25519_SHA_512", "DIGEST"), "MessageType DIGEST is not valid for algorithm ED25519_SHA_512.");
        await Fails("InvalidKeyUsageException", () => SignAsync(key.KeyId, [1], "ECDSA_SHA_512"), "Algorithm ECDSA_SHA_512 is incompatible with key spec ECC_NIST_EDWARDS25519.");
        await Fails("InvalidKeyUsageException", () => SignAsync(key.KeyId, [1], "ML_DSA_SHAKE_256"));
        var ecdsa = await _kit.CreateKeyAsync("ECC_NIST_P256", KeyUsages.SignVerify);
        await Fails("InvalidKeyUsageException", () => SignAsync(ecdsa.KeyId, [1], "ED25519_SHA_512"), "Algorithm ED25519_SHA_512 is incompatible with key spec ECC_NIST_P256.");
    }

    [Theory]
    [InlineData("ML_DSA_44", "2.16.840.1.101.3.4.3.17", 2420)]
    [InlineData("ML_DSA_65", "2.16.840.1.101.3.4.3.18", 3309)]
    [InlineData("ML_DSA_87", "2.16.840.1.101.3.4.3.19", 4627)]
    public async Task Ml_dsa_signs_raw_messages_and_external_mu_alike_and_verifies_outside_kms(string spec, string oid, int signatureLength)
    {
        var key = await _kit.CreateKeyAsync(spec, KeyUsages.SignVerify);
        Assert.Equal(["ML_DSA_SHAKE_256"], key.SigningAlgorithms!);
        var publicKey = await PublicKeyAsync(key.KeyId);
        Assert.Equal(spec, publicKey.KeySpec);
        Assert.Equal(KeyUsages.SignVerify, publicKey.KeyUsage);
        Assert.Equal(["ML_DSA_SHAKE_256"], publicKey.SigningAlgorithms!);
        var spki = SubjectPublicKeyInfo.GetInstance(publicKey.PublicKey);
        Assert.Equal(oid, spki.Algorithm.Algorithm.Id);
        Assert.Null(spki.Algorithm.Parameters);
        var raw = spki.PublicKey.GetOctets();

        var message = new byte[4096];
        RandomNumberGenerator.Fill(message);
        var signed = await SignAsync(key.KeyId, message, "ML_DSA_SHAKE_256");
        Assert.Equal(signatureLength, signed.Signature.Length);
        Assert.True((await VerifyAsync(key.KeyId, message, signed.Signature, "ML_DSA_SHAKE_256")).SignatureValid);
        var parameters = spec switch { "ML_DSA_44" => MLDsaParameters.ml_dsa_44, "ML_DSA_65" => MLDsaParameters.ml_dsa_65, _ => MLDsaParameters.ml_dsa_87 };
        var offline = new MLDsaSigner(parameters, deterministic: false);
        offline.Init(false, MLDsaPublicKeyParameters.FromEncoding(parameters, raw));
        offline.BlockUpdate(message, 0, message.Length);
        Assert.True(offline.VerifySignature(signed.Signature));

        // "The signatures produced by the externally computed μ are the same as the RAW ones" (KMS developer guide).
        var mu = ExternalMu(raw, message);
        var fromMu = await SignAsync(key.KeyId, mu, "ML_DSA_SHAKE_256", "EXTERNAL_MU");
        Assert.Equal(signed.Signature, fromMu.Signature);
        Assert.True((await VerifyAsync(key.KeyId, mu, signed.Signature, "ML_DSA_SHAKE_256", "EXTERNAL_MU")).SignatureValid);
        await Fails("KMSInvalidSignatureException", () => VerifyAsync(key.KeyId, ExternalMu(raw, [1]), signed.Signature, "ML_DSA_SHAKE_256", "EXTERNAL_MU"), "");
        var tampered = (byte[])signed.Signature.Clone();
        tampered[10] ^= 1;
        await Fails("KMSInvalidSignatureException", () => VerifyAsync(key.KeyId, message, tampered, "ML_DSA_SHAKE_256"), "");
        await Fails("KMSInvalidSignatureException", () => VerifyAsync(key.KeyId, message, signed.Signature[..^1], "ML_DSA_SHAKE_256"), "");
    }

    [Fact]
    public async Task Ml_dsa_refuses_digests_and_external_mu_of_the_wrong_length_and_other_keys_refuse_external_mu()
    {
        var key = await _kit.CreateKeyAsync("ML_DSA_44", KeyUsages.SignVerify);
        await Fails("ValidationException", () => SignAsync(key.KeyId, new byte[64], "ML_DSA_SHAKE_256", "DIGEST"), "MessageType DIGEST is not valid for algorithm ML_DSA_SHAKE_256.");
        await Fails("ValidationException", () => SignAsync(key.KeyId, new byte[32], "ML_DSA_SHAKE_256", "EXTERNAL_MU"),
            "EXTERNAL_MU is invalid length for algorithm ML_DSA_SHAKE_256: it must be 64 bytes.");
        await Fails("ValidationException", () => VerifyAsync(key.KeyId, new byte[65], new byte[2420], "ML_DSA_SHAKE_256", "EXTERNAL_MU"));
        await Fails("InvalidKeyUsageException", () => SignAsync(key.KeyId, [1], "ECDSA_SHA_256"), "Algorithm ECDSA_SHA_256 is incompatible with key spec ML_DSA_44.");
        await Fails("DryRunOperationException", () => _kit.Call("Sign", new SignRequest { KeyId = key.KeyId, Message = [1], SigningAlgorithm = "ML_DSA_SHAKE_256", DryRun = true },
            Sign.ExecuteAsync));
        var rsa = await _kit.CreateKeyAsync("RSA_2048", KeyUsages.SignVerify);
        await Fails("ValidationException", () => SignAsync(rsa.KeyId, new byte[64], "RSASSA_PSS_SHA_512", "EXTERNAL_MU"), "MessageType EXTERNAL_MU is not valid for algorithm RSASSA_PSS_SHA_512.");
        await Fails("InvalidKeyUsageException", () => SignAsync(rsa.KeyId, [1], "ML_DSA_SHAKE_256"), "Algorithm ML_DSA_SHAKE_256 is incompatible with key spec RSA_2048.");
    }
}
