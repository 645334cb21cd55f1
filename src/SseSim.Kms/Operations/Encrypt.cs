using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record EncryptRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public byte[]? Plaintext { get; init; }
    public IReadOnlyDictionary<string, string>? EncryptionContext { get; init; }
    public IReadOnlyList<string>? GrantTokens { get; init; }
    public string? EncryptionAlgorithm { get; init; }
    public bool? DryRun { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.Blob(Plaintext, "plaintext", 1, 4096, required: true);
        errors.StringList(GrantTokens, "grantTokens", 0, 10, 1, 8192);
        errors.Enum(EncryptionAlgorithm, "encryptionAlgorithm", ModelEnums.EncryptionAlgorithmSpec);
    }
}

public sealed record EncryptResponse(byte[] CiphertextBlob, string KeyId, string EncryptionAlgorithm)
{
    /// <summary>The material that sealed a symmetric ciphertext: not in the API's answer, only in CloudTrail's event.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? KeyMaterialId { get; init; }
}

public static class Encrypt
{
    public static async ValueTask<EncryptResponse> ExecuteAsync(KmsCall call, EncryptRequest request)
    {
        var plaintext = request.Plaintext!;
        var context = CryptoSupport.Context(request.EncryptionContext);
        call.Context = context;

        var key = await CryptoSupport.UseAsync(call, request.KeyId!, null, context, request.GrantTokens);
        CryptoSupport.RequireUsage(key, KeyUsages.EncryptDecrypt, "Encrypt");
        var algorithm = request.EncryptionAlgorithm ?? CryptoSupport.SymmetricDefault;
        CryptoSupport.RequireAlgorithm(key, algorithm, key.SpecInfo.EncryptionAlgorithms(key.KeyUsage));

        if (key.SpecInfo.IsSymmetric)
        {
            CryptoSupport.ThrowIfDryRun(request.DryRun);
            var blob = CryptoSupport.SealSymmetric(call, key, plaintext, context, out var materialId);
            return new EncryptResponse(blob, key.Arn, algorithm) { KeyMaterialId = materialId };
        }
        CryptoSupport.CheckRsaEncrypt(key, algorithm, plaintext.Length, context);
        CryptoSupport.ThrowIfDryRun(request.DryRun);
        return new EncryptResponse(CryptoSupport.RsaEncrypt(key, algorithm, plaintext), key.Arn, algorithm);
    }
}
