using SseSim.Core.Crypto;
using SseSim.Core.Secrets;
using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record GenerateDataKeyRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public IReadOnlyDictionary<string, string>? EncryptionContext { get; init; }
    public int? NumberOfBytes { get; init; }
    public string? KeySpec { get; init; }
    public IReadOnlyList<string>? GrantTokens { get; init; }
    public RecipientInfo? Recipient { get; init; }
    public bool? DryRun { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.Range(NumberOfBytes, "numberOfBytes", 1, 1024);
        errors.Enum(KeySpec, "keySpec", ModelEnums.DataKeySpec);
        errors.StringList(GrantTokens, "grantTokens", 0, 10, 1, 8192);
        RecipientInfo.Validate(Recipient, ref errors, "recipient");
    }
}

public sealed record GenerateDataKeyResponse(byte[] CiphertextBlob, SecretBytes Plaintext, string KeyId, string KeyMaterialId) : IHoldsSecrets
{
    public void DisposeSecrets() => Plaintext.Dispose();
}

public static class GenerateDataKey
{
    public static async ValueTask<GenerateDataKeyResponse> ExecuteAsync(KmsCall call, GenerateDataKeyRequest request)
    {
        CryptoSupport.RejectRecipient(request.Recipient);
        var (key, context, length) = await PrepareAsync(call, "GenerateDataKey", request.KeyId, request.EncryptionContext, request.NumberOfBytes,
            request.KeySpec, request.GrantTokens, request.DryRun);
        var plaintext = SecretBytes.Random(length);
        try
        {
            var blob = CryptoSupport.SealSymmetric(call, key, plaintext.UnsafeExpose(), context, out var materialId);
            return new GenerateDataKeyResponse(blob, plaintext, key.Arn, materialId);
        }
        catch
        {
            plaintext.Dispose();
            throw;
        }
    }

    /// <summary>Every check GenerateDataKey and GenerateDataKeyWithoutPlaintext share, DryRun included.</summary>
    internal static async ValueTask<(KmsKey Key, EncryptionContext Context, int Length)> PrepareAsync(KmsCall call, string operation, string? keyId,
        IReadOnlyDictionary<string, string>? encryptionContext, int? numberOfBytes, string? keySpec, IReadOnlyList<string>? grantTokens, bool? dryRun)
    {
        var context = CryptoSupport.Context(encryptionContext);
        call.Context = context;

        var key = await CryptoSupport.UseAsync(call, keyId!, null, context, grantTokens);
        if ((keySpec is null) == (numberOfBytes is null))
        {
            throw KmsException.Validation("Please specify either number of bytes or key spec.");
        }
        CryptoSupport.RequireSymmetric(key, operation);
        CryptoSupport.ThrowIfDryRun(dryRun);
        var length = numberOfBytes ?? (keySpec == "AES_128" ? 16 : 32);
        return (key, context, length);
    }
}
