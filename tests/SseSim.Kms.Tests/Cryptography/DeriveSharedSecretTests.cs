using System.Security.Cryptography;
using SseSim.Kms.Model;
using SseSim.Kms.Operations;
using static SseSim.Kms.Tests.Cryptography.CryptoKit;

namespace SseSim.Kms.Tests.Cryptography;

public sealed class DeriveSharedSecretTests : IAsyncLifetime
{
    private readonly CryptoKit _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private Task<DeriveSharedSecretResponse> DeriveAsync(string keyId, byte[] publicKey, string algorithm = "ECDH", bool? dryRun = null) =>
        _kit.Call("DeriveSharedSecret", new DeriveSharedSecretRequest { KeyId = keyId, PublicKey = publicKey, KeyAgreementAlgorithm = algorithm, DryRun = dryRun },
            DeriveSharedSecret.ExecuteAsync);

    [Theory]
    [InlineData("ECC_NIST_P256", "nistP256", 32)]
    [InlineData("ECC_NIST_P384", "nistP384", 48)]
    [InlineData("ECC_NIST_P521", "nistP521", 66)]
    public async Task Both_peers_derive_the_same_raw_ecdh_secret(string spec, string curve, int length)
    {
        var key = await _kit.CreateKeyAsync(spec, KeyUsages.KeyAgreement);
        Assert.Equal(["ECDH"], key.KeyAgreementAlgorithms);
        Assert.Null(key.SigningAlgorithms);
        var kmsPublic = await _kit.Call("GetPublicKey", new GetPublicKeyRequest { KeyId = key.KeyId }, GetPublicKey.ExecuteAsync);
        Assert.Equal(["ECDH"], kmsPublic.KeyAgreementAlgorithms);
        Assert.Equal(KeyUsages.KeyAgreement, kmsPublic.KeyUsage);

        using var local = ECDiffieHellman.Create(ECCurve.CreateFromFriendlyName(curve));
        var derived = await DeriveAsync(key.KeyId, local.ExportSubjectPublicKeyInfo());
        using var secret = derived.SharedSecret;
        Assert.Equal(key.Arn, derived.KeyId);
        Assert.Equal("ECDH", derived.KeyAgreementAlgorithm);
        Assert.Equal("AWS_KMS", derived.KeyOrigin);
        Assert.Equal(length, secret.Length);

        using var peer = ECDiffieHellman.Create();
        peer.ImportSubjectPublicKeyInfo(kmsPublic.PublicKey, out _);
        Assert.Equal(local.DeriveRawSecretAgreement(peer.PublicKey), secret.UnsafeExpose().ToArray());
        // Another local key pair gives another secret.
        using var other = ECDiffieHellman.Create(ECCurve.CreateFromFriendlyName(curve));
        using var otherSecret = (await DeriveAsync(key.KeyId, other.ExportSubjectPublicKeyInfo())).SharedSecret;
        Assert.False(otherSecret.UnsafeExpose().SequenceEqual(secret.UnsafeExpose()));
    }

    [Fact]
    public async Task DeriveSharedSecret_with_a_public_key_that_is_not_DER_is_a_ValidationException_with_no_message()
    {
        // AWS's answer to PublicKey "InvalidPublicKey" (LocalStack's AWS-recorded test_derive_shared_secret).
        var agreement = await _kit.CreateKeyAsync("ECC_NIST_P256", KeyUsages.KeyAgreement);
        await Fails("ValidationException", () => DeriveAsync(agreement.KeyId, "InvalidPublicKey"u8.ToArray()), "");
    }

    [Fact]
    public async Task Wrong_usage_curve_key_or_algorithm_is_refused()
    {
        var agreement = await _kit.CreateKeyAsync("ECC_NIST_P256", KeyUsages.KeyAgreement);
        using var p384 = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP384);
        await Fails("ValidationException", () => DeriveAsync(agreement.KeyId, p384.ExportSubjectPublicKeyInfo()));
        await Fails("ValidationException", () => DeriveAsync(agreement.KeyId, [0x30, 0x03, 0x02, 0x01, 0x00]));
        using var p256 = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        await Fails("ValidationException", () => DeriveAsync(agreement.KeyId, rsa.ExportSubjectPublicKeyInfo()));
        await Fails("ValidationException", () => DeriveAsync(agreement.KeyId, p256.ExportSubjectPublicKeyInfo(), "ECDH_COFACTOR"));
        await Fails("DryRunOperationException", () => DeriveAsync(agreement.KeyId, p256.ExportSubjectPublicKeyInfo(), dryRun: true));
        await Fails("InvalidKeyUsageException", () => _kit.Call("Sign", new SignRequest { KeyId = agreement.KeyId, Message = [1], SigningAlgorithm = "ECDSA_SHA_256" }, Sign.ExecuteAsync));

        var signing = await _kit.CreateKeyAsync("ECC_NIST_P256", KeyUsages.SignVerify);
        await Fails("InvalidKeyUsageException", () => DeriveAsync(signing.KeyId, p256.ExportSubjectPublicKeyInfo()),
            $"{signing.Arn} key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret.");
        // KEY_AGREEMENT is for the NIST curves only.
        await Fails("ValidationException", () => _kit.CreateKeyAsync("ECC_SECG_P256K1", KeyUsages.KeyAgreement));
        await Fails("ValidationException", () => _kit.CreateKeyAsync("RSA_2048", KeyUsages.KeyAgreement));
    }
}
