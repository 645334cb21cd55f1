using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.Kms;

/// <summary>
/// Sign and Verify with Ed25519 and ML-DSA keys over the wire with the AWS SDK for .NET (which models these key specs,
/// algorithms and EXTERNAL_MU), the signatures then checked by pyca/cryptography, an implementation SseSim does not use.
/// </summary>
public sealed class SignTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static async Task<(string KeyId, byte[] PublicKey)> CreateAsync(IAmazonKeyManagementService kms, KeySpec spec, string[] algorithms)
    {
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = spec, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata;
        Assert.Equal(spec, key.KeySpec);
        Assert.Equal(algorithms, key.SigningAlgorithms);
        var publicKey = await kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.KeyId });
        Assert.Equal(spec, publicKey.KeySpec);
        Assert.Equal(KeyUsageType.SIGN_VERIFY, publicKey.KeyUsage);
        Assert.Equal(algorithms, publicKey.SigningAlgorithms);
        return (key.KeyId, publicKey.PublicKey.ToArray());
    }

    private static async Task<byte[]> SignAsync(IAmazonKeyManagementService kms, string keyId, byte[] message, SigningAlgorithmSpec algorithm, MessageType type)
    {
        var signed = await kms.SignAsync(new SignRequest { KeyId = keyId, Message = new MemoryStream(message), SigningAlgorithm = algorithm, MessageType = type });
        Assert.Equal(algorithm, signed.SigningAlgorithm);
        var verified = await kms.VerifyAsync(new VerifyRequest
        {
            KeyId = keyId,
            Message = new MemoryStream(message),
            MessageType = type,
            Signature = new MemoryStream(signed.Signature.ToArray()),
            SigningAlgorithm = algorithm,
        });
        Assert.True(verified.SignatureValid);
        return signed.Signature.ToArray();
    }

    [Fact]
    public async Task The_sdk_signs_with_ed25519_and_ml_dsa_keys_and_an_independent_library_verifies()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        using var kms = server.Kms();
        var message = "signed by SseSim, checked elsewhere"u8.ToArray();

        var (edKey, edPublic) = await CreateAsync(kms, KeySpec.ECC_NIST_EDWARDS25519, ["ED25519_SHA_512", "ED25519_PH_SHA_512"]);
        var edSignature = await SignAsync(kms, edKey, message, SigningAlgorithmSpec.ED25519_SHA_512, MessageType.RAW);
        await SignAsync(kms, edKey, SHA512.HashData(message), SigningAlgorithmSpec.ED25519_PH_SHA_512, MessageType.DIGEST);
        var mismatch = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.SignAsync(new SignRequest
        {
            KeyId = edKey,
            Message = new MemoryStream(SHA512.HashData(message)),
            MessageType = MessageType.DIGEST,
            SigningAlgorithm = SigningAlgorithmSpec.ED25519_SHA_512,
        }));
        Assert.Equal("ValidationException", mismatch.ErrorCode);

        var (mlKey, mlPublic) = await CreateAsync(kms, KeySpec.ML_DSA_65, ["ML_DSA_SHAKE_256"]);
        var mlSignature = await SignAsync(kms, mlKey, message, SigningAlgorithmSpec.ML_DSA_SHAKE_256, MessageType.RAW);
        Assert.Equal(3309, mlSignature.Length);
        var wrongMu = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.SignAsync(new SignRequest
        {
            KeyId = mlKey,
            Message = new MemoryStream(new byte[32]),
            MessageType = MessageType.EXTERNAL_MU,
            SigningAlgorithm = SigningAlgorithmSpec.ML_DSA_SHAKE_256,
        }));
        Assert.Equal("ValidationException", wrongMu.ErrorCode);

        // pyca/cryptography (its own OpenSSL) verifies both from the SPKI that GetPublicKey returned, and computes the
        // FIPS 204 external μ from the raw public key; KMS signs that μ to the same bytes as the RAW message.
        var mu = await server.RunPythonAsync("""
import base64, hashlib, sys
from cryptography.hazmat.primitives.serialization import load_der_public_key, Encoding, PublicFormat
from cryptography.hazmat.primitives.asymmetric import ed25519, mldsa
message, ed_pub, ed_sig, ml_pub, ml_sig = (base64.b64decode(a) for a in sys.argv[1:])
ed = load_der_public_key(ed_pub)
assert isinstance(ed, ed25519.Ed25519PublicKey), type(ed)
ed.verify(ed_sig, message)
ml = load_der_public_key(ml_pub)
assert isinstance(ml, mldsa.MLDSA65PublicKey), type(ml)
ml.verify(ml_sig, message)
tr = hashlib.shake_256(ml.public_bytes_raw()).digest(64)
print(base64.b64encode(hashlib.shake_256(tr + b"\x00\x00" + message).digest(64)).decode())
""", Convert.ToBase64String(message), Convert.ToBase64String(edPublic), Convert.ToBase64String(edSignature),
            Convert.ToBase64String(mlPublic), Convert.ToBase64String(mlSignature));
        var fromMu = await SignAsync(kms, mlKey, Convert.FromBase64String(mu.Trim()), SigningAlgorithmSpec.ML_DSA_SHAKE_256, MessageType.EXTERNAL_MU);
        Assert.Equal(mlSignature, fromMu);
    }
}
