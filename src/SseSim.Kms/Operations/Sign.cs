using System.Security.Cryptography;
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
        var digest = CryptoSupport.SigningDigest(key, "Sign", algorithm, request.MessageType ?? "RAW", message);
        CryptoSupport.ThrowIfDryRun(request.DryRun);
        return new SignResponse(key.Arn, SignDigest(call, key, algorithm, digest), algorithm);
    }

    /// <summary>RSA PSS uses a salt as long as the hash (as .NET's Pss does); ECDSA signatures are DER, as AWS returns them.</summary>
    internal static byte[] SignDigest(KmsCall call, KmsKey key, string algorithm, byte[] digest)
    {
        var privateKey = call.Kms.OpenMaterial(key, CryptoSupport.CurrentMaterial(key));
        var hash = CryptoSupport.HashOf(algorithm);
        if (key.SpecInfo.Family == KeySpecInfo.Rsa)
        {
            using var rsa = CryptoSupport.LoadRsa(privateKey);
            return rsa.SignHash(digest, hash, CryptoSupport.RsaSignaturePadding(algorithm));
        }
        using var ec = CryptoSupport.LoadEcdsa(privateKey);
        return ec.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence);
    }
}
