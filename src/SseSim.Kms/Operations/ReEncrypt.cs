using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record ReEncryptRequest : IValidatedRequest
{
    public byte[]? CiphertextBlob { get; init; }
    public IReadOnlyDictionary<string, string>? SourceEncryptionContext { get; init; }
    public string? SourceKeyId { get; init; }
    public string? DestinationKeyId { get; init; }
    public IReadOnlyDictionary<string, string>? DestinationEncryptionContext { get; init; }
    public string? SourceEncryptionAlgorithm { get; init; }
    public string? DestinationEncryptionAlgorithm { get; init; }
    public IReadOnlyList<string>? GrantTokens { get; init; }
    public bool? DryRun { get; init; }
    public IReadOnlyList<string>? DryRunModifiers { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.Blob(CiphertextBlob, "ciphertextBlob", 1, 6144);
        errors.String(SourceKeyId, "sourceKeyId", 1, 2048);
        errors.String(DestinationKeyId, "destinationKeyId", 1, 2048, required: true);
        errors.Enum(SourceEncryptionAlgorithm, "sourceEncryptionAlgorithm", ModelEnums.EncryptionAlgorithmSpec);
        errors.Enum(DestinationEncryptionAlgorithm, "destinationEncryptionAlgorithm", ModelEnums.EncryptionAlgorithmSpec);
        errors.StringList(GrantTokens, "grantTokens", 0, 10, 1, 8192);
        errors.EnumList(DryRunModifiers, "dryRunModifiers", ModelEnums.DryRunModifierType);
    }
}

public sealed record ReEncryptResponse(byte[] CiphertextBlob, string SourceKeyId, string KeyId, string SourceEncryptionAlgorithm,
    string DestinationEncryptionAlgorithm, string? SourceKeyMaterialId, string? DestinationKeyMaterialId);

public static class ReEncrypt
{
    public static async ValueTask<ReEncryptResponse> ExecuteAsync(KmsCall call, ReEncryptRequest request)
    {
        var destinationKeyId = request.DestinationKeyId!;
        var sourceContext = CryptoSupport.Context(request.SourceEncryptionContext);
        var destinationContext = CryptoSupport.Context(request.DestinationEncryptionContext);
        var sourceAlgorithm = request.SourceEncryptionAlgorithm ?? CryptoSupport.SymmetricDefault;
        var destinationAlgorithm = request.DestinationEncryptionAlgorithm ?? CryptoSupport.SymmetricDefault;

        Decrypt.Opened source;
        if (request.DryRun == true && Decrypt.IgnoresCiphertext(request.DryRunModifiers))
        {
            var sourceKey = await CryptoSupport.UseAsync(call, request.SourceKeyId ?? throw CryptoSupport.NotNull("sourceKeyId"), "ReEncryptFrom", sourceContext, request.GrantTokens);
            CryptoSupport.RequireUsage(sourceKey, KeyUsages.EncryptDecrypt, "ReEncrypt");
            source = new Decrypt.Opened(sourceKey, new Core.Secrets.SecretBytes(0), null);
        }
        else
        {
            var blob = request.CiphertextBlob ?? throw CryptoSupport.NotNull("ciphertextBlob");
            source = await Decrypt.OpenAsync(call, blob, sourceContext, request.SourceKeyId, sourceAlgorithm, request.GrantTokens, "ReEncryptFrom", "ReEncrypt");
        }

        using var plaintext = source.Plaintext;
        var destination = await CryptoSupport.UseAsync(call, destinationKeyId, "ReEncryptTo", destinationContext, request.GrantTokens);
        CryptoSupport.RequireUsage(destination, KeyUsages.EncryptDecrypt, "ReEncrypt");
        CryptoSupport.RequireAlgorithm(destination, destinationAlgorithm, destination.SpecInfo.EncryptionAlgorithms(destination.KeyUsage));

        byte[] output;
        string? destinationMaterialId = null;
        if (destination.SpecInfo.IsSymmetric)
        {
            CryptoSupport.ThrowIfDryRun(request.DryRun);
            output = CryptoSupport.SealSymmetric(call, destination, plaintext.UnsafeExpose(), destinationContext, out var materialId);
            destinationMaterialId = materialId;
        }
        else
        {
            CryptoSupport.CheckRsaEncrypt(destination, destinationAlgorithm, plaintext.Length, destinationContext);
            CryptoSupport.ThrowIfDryRun(request.DryRun);
            output = CryptoSupport.RsaEncrypt(destination, destinationAlgorithm, plaintext.UnsafeExpose());
        }
        return new ReEncryptResponse(output, source.Key.Arn, destination.Arn, sourceAlgorithm, destinationAlgorithm, source.MaterialId, destinationMaterialId);
    }
}
