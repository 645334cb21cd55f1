using System.Security.Cryptography;
using SseSim.Kms.Crypto;
using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record VerifyRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public byte[]? Message { get; init; }
    public string? MessageType { get; init; }
    public byte[]? Signature { get; init; }
    public string? SigningAlgorithm { get; init; }
    public IReadOnlyList<string>? GrantTokens { get; init; }
    public bool? DryRun { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.Blob(Message, "message", 1, 4096, required: true);
        errors.Enum(MessageType, "messageType", ModelEnums.MessageType);
        errors.Blob(Signature, "signature", 1, 6144, required: true);
        errors.Enum(SigningAlgorithm, "signingAlgorithm", ModelEnums.SigningAlgorithmSpec, required: true);
        errors.StringList(GrantTokens, "grantTokens", 0, 10, 1, 8192);
    }
}

public sealed record VerifyResponse(string KeyId, bool SignatureValid, string SigningAlgorithm);

public static class Verify
{
    public static async ValueTask<VerifyResponse> ExecuteAsync(KmsCall call, VerifyRequest request)
    {
        var message = request.Message!;
        var signature = request.Signature!;
        var algorithm = request.SigningAlgorithm!;

        var key = await CryptoSupport.UseAsync(call, request.KeyId!, null, null, request.GrantTokens);
        var messageType = request.MessageType ?? "RAW";
        var input = CryptoSupport.SigningInput(key, "Verify", algorithm, messageType, message);
        CryptoSupport.ThrowIfDryRun(request.DryRun);
        if (!IsValid(key, algorithm, messageType, input, signature))
        {
            // AWS reports a bad signature as an error with an empty message, never SignatureValid=false.
            throw new KmsException("KMSInvalidSignatureException", "");
        }
        return new VerifyResponse(key.Arn, true, algorithm);
    }

    private static bool IsValid(KmsKey key, string algorithm, string messageType, byte[] input, byte[] signature)
    {
        var publicKey = CryptoSupport.CurrentMaterial(key).PublicKey ?? throw new InvalidOperationException("Asymmetric material without a public key.");
        try
        {
            switch (key.SpecInfo.Family)
            {
                case KeySpecInfo.Rsa:
                    using (var rsa = RSA.Create())
                    {
                        rsa.ImportSubjectPublicKeyInfo(publicKey, out _);
                        return rsa.VerifyHash(input, signature, CryptoSupport.HashOf(algorithm), CryptoSupport.RsaSignaturePadding(algorithm));
                    }
                case KeySpecInfo.Ed25519:
                    return AsymmetricKeys.VerifyEd25519(publicKey, preHash: algorithm == CryptoSupport.Ed25519PreHash, input, signature);
                case KeySpecInfo.MlDsa:
                    return AsymmetricKeys.VerifyMlDsa(key.KeySpec, publicKey, input, externalMu: messageType == CryptoSupport.ExternalMu, signature);
                default:
                    using (var ec = ECDsa.Create())
                    {
                        ec.ImportSubjectPublicKeyInfo(publicKey, out _);
                        return ec.VerifyHash(input, signature, DSASignatureFormat.Rfc3279DerSequence);
                    }
            }
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
