using System.Security.Cryptography;
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
        var digest = CryptoSupport.SigningDigest(key, "Verify", algorithm, request.MessageType ?? "RAW", message);
        CryptoSupport.ThrowIfDryRun(request.DryRun);
        if (!IsValid(key, algorithm, digest, signature))
        {
            // AWS reports a bad signature as an error with an empty message, never SignatureValid=false.
            throw new KmsException("KMSInvalidSignatureException", "");
        }
        return new VerifyResponse(key.Arn, true, algorithm);
    }

    private static bool IsValid(KmsKey key, string algorithm, byte[] digest, byte[] signature)
    {
        var publicKey = CryptoSupport.CurrentMaterial(key).PublicKey ?? throw new InvalidOperationException("Asymmetric material without a public key.");
        try
        {
            if (key.SpecInfo.Family == KeySpecInfo.Rsa)
            {
                using var rsa = RSA.Create();
                rsa.ImportSubjectPublicKeyInfo(publicKey, out _);
                return rsa.VerifyHash(digest, signature, CryptoSupport.HashOf(algorithm), CryptoSupport.RsaSignaturePadding(algorithm));
            }
            using var ec = ECDsa.Create();
            ec.ImportSubjectPublicKeyInfo(publicKey, out _);
            return ec.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
