namespace SseSim.Kms.Operations;

public sealed record GenerateDataKeyPairWithoutPlaintextRequest : IValidatedRequest
{
    public IReadOnlyDictionary<string, string>? EncryptionContext { get; init; }
    public string? KeyId { get; init; }
    public string? KeyPairSpec { get; init; }
    public IReadOnlyList<string>? GrantTokens { get; init; }
    public bool? DryRun { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.Enum(KeyPairSpec, "keyPairSpec", ModelEnums.DataKeyPairSpec, required: true);
        errors.StringList(GrantTokens, "grantTokens", 0, 10, 1, 8192);
    }
}

public sealed record GenerateDataKeyPairWithoutPlaintextResponse(byte[] PrivateKeyCiphertextBlob, byte[] PublicKey, string KeyId, string KeyPairSpec,
    string KeyMaterialId);

public static class GenerateDataKeyPairWithoutPlaintext
{
    public static async ValueTask<GenerateDataKeyPairWithoutPlaintextResponse> ExecuteAsync(KmsCall call, GenerateDataKeyPairWithoutPlaintextRequest request)
    {
        var pair = await GenerateDataKeyPair.GenerateAsync(call, "GenerateDataKeyPairWithoutPlaintext", request.KeyId, request.KeyPairSpec,
            request.EncryptionContext, request.GrantTokens, request.DryRun);
        pair.PrivateKey.Dispose();
        return new GenerateDataKeyPairWithoutPlaintextResponse(pair.PrivateKeyCiphertextBlob, pair.PublicKey, pair.Key.Arn, pair.Spec, pair.MaterialId);
    }
}
