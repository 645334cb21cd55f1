using System.Security.Cryptography;

namespace SseSim.Kms.Operations;

public sealed record GenerateDataKeyWithoutPlaintextRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public IReadOnlyDictionary<string, string>? EncryptionContext { get; init; }
    public string? KeySpec { get; init; }
    public int? NumberOfBytes { get; init; }
    public IReadOnlyList<string>? GrantTokens { get; init; }
    public bool? DryRun { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.Enum(KeySpec, "keySpec", ModelEnums.DataKeySpec);
        errors.Range(NumberOfBytes, "numberOfBytes", 1, 1024);
        errors.StringList(GrantTokens, "grantTokens", 0, 10, 1, 8192);
    }
}

public sealed record GenerateDataKeyWithoutPlaintextResponse(byte[] CiphertextBlob, string KeyId, string KeyMaterialId);

public static class GenerateDataKeyWithoutPlaintext
{
    public static async ValueTask<GenerateDataKeyWithoutPlaintextResponse> ExecuteAsync(KmsCall call, GenerateDataKeyWithoutPlaintextRequest request)
    {
        var (key, context, length) = await GenerateDataKey.PrepareAsync(call, "GenerateDataKeyWithoutPlaintext", request.KeyId, request.EncryptionContext,
            request.NumberOfBytes, request.KeySpec, request.GrantTokens, request.DryRun);
        var blob = SealFresh(call, key, context, length, out var materialId);
        return new GenerateDataKeyWithoutPlaintextResponse(blob, key.Arn, materialId);
    }

    // The plaintext never leaves this method, so a stack buffer (zeroed after) is enough.
    private static byte[] SealFresh(KmsCall call, Model.KmsKey key, Core.Crypto.EncryptionContext context, int length, out string materialId)
    {
        Span<byte> plaintext = stackalloc byte[length];
        RandomNumberGenerator.Fill(plaintext);
        try
        {
            return CryptoSupport.SealSymmetric(call, key, plaintext, context, out materialId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
