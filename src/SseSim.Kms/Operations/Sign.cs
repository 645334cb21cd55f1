using System.Security.Cryptography;
using SseSim.Kms.Crypto;
using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record SignRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public byte[]? Message { get; init; }
    public string? MessageType { get; init; }
    public IReadOnlyList<string>? GrantTokens { get; init; }
    public string? SigningAlgorithm { get; init; }
    public bool? DryRun { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.Blob(Message, "message", 1, 4096, required: true);
        errors.Enum(MessageType, "messageType", ModelEnums.MessageType);
        errors.StringList(GrantTokens, "grantTokens", 0, 10, 1, 8192);
        errors.Enum(SigningAlgorithm, "signingAlgorithm", ModelEnums.SigningAlgorithmSpec, required: true);
    }
}

public sealed record SignResponse(string KeyId, byte[] Signature, string SigningAlgorithm);

public static class Sign
{
    public static async ValueTask<SignResponse> ExecuteAsync(KmsCall call, SignRequest request)
    {
        var message = request.Message!;
        var algorithm = request.SigningAlgorithm!;

        var key = await CryptoSupport.UseAsync(call, request.KeyId!, null, null, request.GrantTokens);
        var messageType = request.MessageType ?? "RAW";
        var input = CryptoSupport.SigningInput(key, "Sign", algorithm, messageType, message);
        CryptoSupport.ThrowIfDryRun(request.DryRun);
        return new SignResponse(key.Arn, SignInput(call, key, algorithm, messageType, input), algorithm);
    }

    /// <summary>
    /// RSA PSS uses a salt as long as the hash (as .NET's Pss does); ECDSA signatures are DER, as AWS returns them;
    /// Ed25519 signatures are the 64 bytes of RFC 8032 and ML-DSA ones the FIPS 204 encoding.
    /// </summary>
    private static byte[] SignInput(KmsCall call, KmsKey key, string algorithm, string messageType, byte[] input)
    {
        var privateKey = call.Kms.OpenMaterial(key, CryptoSupport.CurrentMaterial(key));
        switch (key.SpecInfo.Family)
        {
            case KeySpecInfo.Rsa:
                using (var rsa = CryptoSupport.LoadRsa(privateKey))
                {
                    return rsa.SignHash(input, CryptoSupport.HashOf(algorithm), CryptoSupport.RsaSignaturePadding(algorithm));
                }
            case KeySpecInfo.Ed25519:
                return AsymmetricKeys.SignEd25519(privateKey, preHash: algorithm == CryptoSupport.Ed25519PreHash, input);
            case KeySpecInfo.MlDsa:
                return AsymmetricKeys.SignMlDsa(key.KeySpec, privateKey, input, externalMu: messageType == CryptoSupport.ExternalMu);
            default:
                using (var ec = CryptoSupport.LoadEcdsa(privateKey))
                {
                    return ec.SignHash(input, DSASignatureFormat.Rfc3279DerSequence);
                }
        }
    }
}
