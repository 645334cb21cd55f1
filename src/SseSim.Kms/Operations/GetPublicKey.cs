using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record GetPublicKeyRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public IReadOnlyList<string>? GrantTokens { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.StringList(GrantTokens, "grantTokens", 0, 10, 1, 8192);
    }
}

public sealed record GetPublicKeyResponse(string KeyId, byte[] PublicKey, string? CustomerMasterKeySpec, string KeySpec, string KeyUsage,
    IReadOnlyList<string>? EncryptionAlgorithms, IReadOnlyList<string>? SigningAlgorithms, IReadOnlyList<string>? KeyAgreementAlgorithms);

public static class GetPublicKey
{
    public static async ValueTask<GetPublicKeyResponse> ExecuteAsync(KmsCall call, GetPublicKeyRequest request)
    {
        var key = await CryptoSupport.UseAsync(call, request.KeyId!, null, null, request.GrantTokens);
        var spec = key.SpecInfo;
        if (!spec.IsAsymmetric)
        {
            throw KmsException.Unsupported($"{key.Arn} key spec is {key.KeySpec} which is not valid for GetPublicKey.");
        }
        var publicKey = CryptoSupport.CurrentMaterial(key).PublicKey ?? throw new InvalidOperationException("Asymmetric material without a public key.");
        return new GetPublicKeyResponse(key.Arn, publicKey, KeyMetadata.LegacySpec(key.KeySpec), key.KeySpec, key.KeyUsage,
            spec.EncryptionAlgorithms(key.KeyUsage), spec.SigningAlgorithms(key.KeyUsage), spec.KeyAgreementAlgorithms(key.KeyUsage));
    }
}
