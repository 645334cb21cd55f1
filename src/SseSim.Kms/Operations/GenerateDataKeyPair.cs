using SseSim.Core.Secrets;
using SseSim.Kms.Crypto;
using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record GenerateDataKeyPairRequest : IValidatedRequest
{
    public IReadOnlyDictionary<string, string>? EncryptionContext { get; init; }
    public string? KeyId { get; init; }
    public string? KeyPairSpec { get; init; }
    public IReadOnlyList<string>? GrantTokens { get; init; }
    public RecipientInfo? Recipient { get; init; }
    public bool? DryRun { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.Enum(KeyPairSpec, "keyPairSpec", ModelEnums.DataKeyPairSpec, required: true);
        errors.StringList(GrantTokens, "grantTokens", 0, 10, 1, 8192);
        RecipientInfo.Validate(Recipient, ref errors, "recipient");
    }
}

public sealed record GenerateDataKeyPairResponse(byte[] PrivateKeyCiphertextBlob, SecretBytes PrivateKeyPlaintext, byte[] PublicKey, string KeyId,
    string KeyPairSpec, string KeyMaterialId) : IHoldsSecrets
{
    public void DisposeSecrets() => PrivateKeyPlaintext.Dispose();
}

public static class GenerateDataKeyPair
{
    public static async ValueTask<GenerateDataKeyPairResponse> ExecuteAsync(KmsCall call, GenerateDataKeyPairRequest request)
    {
        CryptoSupport.RejectRecipient(request.Recipient);
        var pair = await GenerateAsync(call, "GenerateDataKeyPair", request.KeyId, request.KeyPairSpec, request.EncryptionContext, request.GrantTokens, request.DryRun);
        return new GenerateDataKeyPairResponse(pair.PrivateKeyCiphertextBlob, pair.PrivateKey, pair.PublicKey, pair.Key.Arn, pair.Spec, pair.MaterialId);
    }

    internal sealed record Pair(KmsKey Key, string Spec, SecretBytes PrivateKey, byte[] PublicKey, byte[] PrivateKeyCiphertextBlob, string MaterialId);

    /// <summary>Checks, then makes a key pair whose PKCS#8 private key is sealed like any other plaintext.</summary>
    internal static async ValueTask<Pair> GenerateAsync(KmsCall call, string operation, string? keyId, string? keyPairSpec,
        IReadOnlyDictionary<string, string>? encryptionContext, IReadOnlyList<string>? grantTokens, bool? dryRun)
    {
        var spec = keyPairSpec!;
        var context = CryptoSupport.Context(encryptionContext);
        call.Context = context;
        var key = await CryptoSupport.UseAsync(call, keyId!, null, context, grantTokens);
        CryptoSupport.RequireSymmetric(key, operation);
        if (spec is "SM2")
        {
            throw KmsException.Unsupported($"KeyPairSpec {spec} is not supported by SseSim.");
        }
        CryptoSupport.ThrowIfDryRun(dryRun);

        var privateKey = AsymmetricKeys.Generate(spec, out var publicKey);
        try
        {
            var blob = CryptoSupport.SealSymmetric(call, key, privateKey.UnsafeExpose(), context, out var materialId);
            return new Pair(key, spec, privateKey, publicKey, blob, materialId);
        }
        catch
        {
            privateKey.Dispose();
            throw;
        }
    }
}
