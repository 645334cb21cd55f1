using SseSim.Core.Crypto;
using SseSim.Core.Secrets;
using SseSim.Kms.Crypto;
using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record DecryptRequest : IValidatedRequest
{
    public byte[]? CiphertextBlob { get; init; }
    public IReadOnlyDictionary<string, string>? EncryptionContext { get; init; }
    public IReadOnlyList<string>? GrantTokens { get; init; }
    public string? KeyId { get; init; }
    public string? EncryptionAlgorithm { get; init; }
    public RecipientInfo? Recipient { get; init; }
    public bool? DryRun { get; init; }
    public IReadOnlyList<string>? DryRunModifiers { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.Blob(CiphertextBlob, "ciphertextBlob", 1, 6144);
        errors.StringList(GrantTokens, "grantTokens", 0, 10, 1, 8192);
        errors.String(KeyId, "keyId", 1, 2048);
        errors.Enum(EncryptionAlgorithm, "encryptionAlgorithm", ModelEnums.EncryptionAlgorithmSpec);
        RecipientInfo.Validate(Recipient, ref errors, "recipient");
        errors.EnumList(DryRunModifiers, "dryRunModifiers", ModelEnums.DryRunModifierType);
    }
}

public sealed record DecryptResponse(string KeyId, SecretBytes Plaintext, string EncryptionAlgorithm, string? KeyMaterialId) : IHoldsSecrets
{
    public void DisposeSecrets() => Plaintext.Dispose();
}

public static class Decrypt
{
    public static async ValueTask<DecryptResponse> ExecuteAsync(KmsCall call, DecryptRequest request)
    {
        CryptoSupport.RejectRecipient(request.Recipient);
        var context = CryptoSupport.Context(request.EncryptionContext);
        call.Context = context;
        var algorithm = request.EncryptionAlgorithm ?? CryptoSupport.SymmetricDefault;

        if (request.DryRun == true && IgnoresCiphertext(request.DryRunModifiers))
        {
            // IGNORE_CIPHERTEXT tests permissions only, so the KeyId must say which key.
            var key = await CryptoSupport.UseAsync(call, request.KeyId ?? throw CryptoSupport.NotNull("keyId"), null, context, request.GrantTokens);
            CryptoSupport.RequireUsage(key, KeyUsages.EncryptDecrypt, "Decrypt");
            CryptoSupport.RequireAlgorithm(key, algorithm, key.SpecInfo.EncryptionAlgorithms(key.KeyUsage));
            throw KmsException.DryRun();
        }

        var blob = request.CiphertextBlob ?? throw CryptoSupport.NotNull("ciphertextBlob");
        var opened = await OpenAsync(call, blob, context, request.KeyId, algorithm, request.GrantTokens, null, "Decrypt");
        if (request.DryRun == true)
        {
            opened.Plaintext.Dispose();
            throw KmsException.DryRun();
        }
        return new DecryptResponse(opened.Key.Arn, opened.Plaintext, algorithm, opened.MaterialId);
    }

    internal static bool IgnoresCiphertext(IReadOnlyList<string>? modifiers) => modifiers is not null && modifiers.Contains("IGNORE_CIPHERTEXT");

    internal readonly record struct Opened(KmsKey Key, SecretBytes Plaintext, string? MaterialId);

    /// <summary>
    /// Decrypts a blob for Decrypt and the source side of ReEncrypt. A symmetric blob names its key and material;
    /// an RSA ciphertext does not, so it needs <paramref name="keyId"/>.
    /// </summary>
    internal static async ValueTask<Opened> OpenAsync(KmsCall call, byte[] blob, EncryptionContext context, string? keyId, string algorithm,
        IReadOnlyList<string>? grantTokens, string? action, string operation)
    {
        if (algorithm != CryptoSupport.SymmetricDefault)
        {
            if (keyId is null)
            {
                // Without a key id the blob is read as a symmetric one, which an RSA ciphertext is not.
                throw KmsException.InvalidCiphertext();
            }
            var rsaKey = await CryptoSupport.UseAsync(call, keyId, action, context, grantTokens);
            CryptoSupport.RequireUsage(rsaKey, KeyUsages.EncryptDecrypt, operation);
            CryptoSupport.RequireAlgorithm(rsaKey, algorithm, rsaKey.SpecInfo.EncryptionAlgorithms(rsaKey.KeyUsage));
            CryptoSupport.RejectContextForAsymmetric(context);
            return new Opened(rsaKey, CryptoSupport.RsaDecrypt(call, rsaKey, algorithm, blob), null);
        }

        KmsKey key;
        if (keyId is not null)
        {
            key = await CryptoSupport.UseAsync(call, keyId, action, context, grantTokens);
            // A blob made under another key is IncorrectKeyException even when the named key could not decrypt at all
            // (an HMAC or signing key): AWS compares the keys before the key usage.
            var parsed = CiphertextBlob.TryParseHeader(blob, out var blobKeyId, out _);
            if (parsed && blobKeyId != key.KeyId)
            {
                throw KmsException.IncorrectKey();
            }
            CryptoSupport.RequireUsage(key, KeyUsages.EncryptDecrypt, operation);
            CryptoSupport.RequireAlgorithm(key, algorithm, key.SpecInfo.EncryptionAlgorithms(key.KeyUsage));
            if (!parsed)
            {
                throw KmsException.InvalidCiphertext();
            }
        }
        else
        {
            if (!CiphertextBlob.TryParseHeader(blob, out var blobKeyId, out _) || !(KeyResolver.IsKeyId(blobKeyId) || KmsKey.IsMultiRegionId(blobKeyId)))
            {
                throw KmsException.InvalidCiphertext();
            }
            // The blob holds only the key id; its ARN lets a key of another account resolve (cross-account Decrypt). A
            // multi-Region id names no Region, so any copy decrypts: the one in the caller's Region.
            var owner = call.Kms.Store.FindKey(blobKeyId, call.Kms.Resolver.RegionOf(call.Caller));
            key = await CryptoSupport.UseAsync(call, owner?.Arn ?? blobKeyId, action, context, grantTokens);
            if (!key.SpecInfo.IsSymmetric)
            {
                throw KmsException.InvalidCiphertext();
            }
        }

        CiphertextBlob.TryParseHeader(blob, out _, out var materialId);
        var material = key.FindMaterial(materialId);
        if (material is null || material.Sealed.Length == 0)
        {
            throw KmsException.InvalidCiphertext();
        }
        var plaintext = CiphertextBlob.Open(blob, call.Kms.Vault.Deriver(key, material), context);
        return new Opened(key, plaintext, material.Id);
    }
}
