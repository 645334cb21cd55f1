using System.Security.Cryptography;
using System.Text;
using SseSim.Core.Secrets;
using SseSim.Kms.Crypto;
using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record ImportKeyMaterialRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public byte[]? ImportToken { get; init; }
    public byte[]? EncryptedKeyMaterial { get; init; }
    public DateTimeOffset? ValidTo { get; init; }
    public string? ExpirationModel { get; init; }
    public string? ImportType { get; init; }
    public string? KeyMaterialDescription { get; init; }
    public string? KeyMaterialId { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.Blob(ImportToken, "importToken", 1, 6144, required: true);
        errors.Blob(EncryptedKeyMaterial, "encryptedKeyMaterial", 1, 6144, required: true);
        errors.Enum(ExpirationModel, "expirationModel", ModelEnums.ExpirationModelType);
        errors.Enum(ImportType, "importType", ModelEnums.ImportType);
        errors.String(KeyMaterialDescription, "keyMaterialDescription", 0, 256, pattern: ModelPatterns.KeyMaterialDescriptionType);
        errors.String(KeyMaterialId, "keyMaterialId", 64, 64, pattern: ModelPatterns.BackingKeyIdType);
    }
}

public sealed record ImportKeyMaterialResponse(string KeyId, string KeyMaterialId);

public static class ImportKeyMaterial
{
    public const string Expires = "KEY_MATERIAL_EXPIRES";
    public const string DoesNotExpire = "KEY_MATERIAL_DOES_NOT_EXPIRE";
    private const string NewMaterial = "NEW_KEY_MATERIAL";
    private const string ExistingMaterial = "EXISTING_KEY_MATERIAL";

    public static async ValueTask<ImportKeyMaterialResponse> ExecuteAsync(KmsCall call, ImportKeyMaterialRequest request)
    {
        var token = request.ImportToken!;
        var wrapped = request.EncryptedKeyMaterial!;

        var key = await call.UseKeyAsync(request.KeyId!, KeyIdForms.KeyOnly, KeyStateRules.Rule.Import);
        var now = call.Now;
        var model = request.ExpirationModel ?? Expires;
        if (model == Expires && request.ValidTo is null)
        {
            throw KmsException.Validation("A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES");
        }
        if (model == DoesNotExpire && request.ValidTo is not null)
        {
            throw KmsException.Validation("A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE");
        }
        if (request.ValidTo is { } validTo && (validTo <= now || validTo > now.AddDays(365)))
        {
            throw KmsException.Validation("The ValidTo date must be in the future and no more than 365 days from now.");
        }

        var hasMaterial = key.Materials.Count > 0;
        var importType = request.ImportType ?? (hasMaterial ? ExistingMaterial : NewMaterial);
        // New material goes into a multi-Region primary, which shares it (by id) with its replicas; each replica then
        // imports the same material as existing material.
        if (importType == NewMaterial && !key.IsPrimary)
        {
            throw KmsException.Unsupported($"{key.Arn} is a multi-Region replica key: import new key material into its primary key, then the same material into this key with ImportType EXISTING_KEY_MATERIAL.");
        }
        if (importType == NewMaterial && request.KeyMaterialId is not null)
        {
            throw KmsException.Validation("KeyMaterialId cannot be specified when ImportType is NEW_KEY_MATERIAL.");
        }
        if (importType == NewMaterial && hasMaterial)
        {
            // A second material is for on-demand rotation, which only symmetric encryption keys have.
            if (!key.SpecInfo.IsSymmetric)
            {
                throw KmsException.Unsupported($"{key.Arn} is a {key.KeySpec} key: only symmetric encryption keys take new key material after the first import.");
            }
            // Refused before the RSA unwrap; AddNew checks again under the key's update against a concurrent import.
            if (key.PendingMaterial is not null)
            {
                throw PendingExists(key);
            }
        }

        using var contents = Operations.ImportToken.Open(call.Kms, key.KeyId, token, now);
        using var clear = Unwrap(contents, wrapped);
        var publicKey = CheckMaterial(key, clear);
        var materialId = MaterialId(call.Kms, key.KeyId, clear);
        if (request.KeyMaterialId is { } requested && requested != materialId)
        {
            throw IncorrectMaterial("The key material in the request does not match the specified KeyMaterialId.");
        }
        var sealedMaterial = call.Kms.RootKey.Seal(clear.UnsafeExpose(), key.KeyId, materialId);

        var updated = await call.Kms.UpdateKeyAsync(key, k =>
        {
            var imported = importType == NewMaterial
                ? AddNew(k, new KeyMaterial
                {
                    Id = materialId,
                    Sealed = sealedMaterial,
                    CreatedAt = now,
                    PublicKey = publicKey,
                    ExpirationModel = model,
                    ValidTo = request.ValidTo,
                    Description = request.KeyMaterialDescription,
                })
                : Reimport(k, materialId, m => m with
                {
                    Sealed = sealedMaterial,
                    ExpirationModel = model,
                    ValidTo = request.ValidTo,
                    // "KMS retains the value you specified when you last imported the same key material."
                    Description = request.KeyMaterialDescription ?? m.Description,
                });
            return imported with { KeyState = k.KeyState == KeyStates.PendingImport && CryptoSupport.AllImported(imported) ? KeyStates.Enabled : k.KeyState };
        }, call.CancellationToken, shared: key.IsMultiRegion && importType == NewMaterial);
        call.Touch(updated);
        if (request.ValidTo is { } expires)
        {
            call.Kms.ScheduleMaintenance(expires);
        }
        return new ImportKeyMaterialResponse(key.Arn, materialId);
    }

    /// <summary>The first material of a key becomes current; any later one waits for RotateKeyOnDemand.</summary>
    private static KmsKey AddNew(KmsKey k, KeyMaterial material)
    {
        if (k.Materials.Count == 0)
        {
            return k with { Materials = [material] };
        }
        if (k.PendingMaterial is not null)
        {
            throw PendingExists(k);
        }
        if (k.FindMaterial(material.Id) is not null)
        {
            throw IncorrectMaterial("The key material in the request is already associated with this KMS key. To reimport it, use ImportType EXISTING_KEY_MATERIAL.");
        }
        return k with { PendingMaterial = material };
    }

    /// <summary>Reimport: only material the key already has (current, earlier or pending rotation) may come back.</summary>
    private static KmsKey Reimport(KmsKey k, string materialId, Func<KeyMaterial, KeyMaterial> refresh) =>
        k.FindAnyMaterial(materialId) is null
            ? throw IncorrectMaterial("The key material in the request is not the same key material that was previously imported into this KMS key.")
            : k.WithMaterials(m => m.Id == materialId, refresh);

    private static KmsException PendingExists(KmsKey key) =>
        KmsException.InvalidState($"{key.Arn} already has key material in PENDING_ROTATION state. Rotate to it with RotateKeyOnDemand, or delete it, before importing new key material.");

    /// <summary>
    /// AWS derives the id of imported material from the key id and the material; a keyed hash does the same without
    /// publishing a plain hash of the secret, and lets a re-import after deletion prove it is the same material.
    /// </summary>
    public static string MaterialId(KmsService kms, string keyId, SecretBytes clear)
    {
        using var subkey = kms.RootKey.DeriveSubkey("kms-imported-material-id-v1");
        using var hmac = new HMACSHA256(subkey.UnsafeExpose().ToArray());
        hmac.TransformBlock(Encoding.ASCII.GetBytes(keyId + "\0"), 0, keyId.Length + 1, null, 0);
        var material = clear.UnsafeExpose().ToArray();
        hmac.TransformFinalBlock(material, 0, material.Length);
        CryptographicOperations.ZeroMemory(material);
        return Convert.ToHexStringLower(hmac.Hash!);
    }

    private static SecretBytes Unwrap(ImportToken.Contents contents, byte[] wrapped)
    {
        using var rsa = CryptoSupport.LoadRsa(contents.WrappingKey);
        var modulus = rsa.KeySize / 8;
        try
        {
            switch (contents.Algorithm)
            {
                case "RSAES_OAEP_SHA_1":
                    return SecretBytes.TakeFrom(rsa.Decrypt(wrapped, RSAEncryptionPadding.OaepSHA1));
                case "RSAES_OAEP_SHA_256":
                    return SecretBytes.TakeFrom(rsa.Decrypt(wrapped, RSAEncryptionPadding.OaepSHA256));
                default:
                    // RSA_AES_KEY_WRAP_SHA_*: RSA-OAEP(ephemeral AES key) ‖ AES-KWP(ephemeral key, material).
                    if (wrapped.Length <= modulus)
                    {
                        throw KmsException.InvalidCiphertext();
                    }
                    var padding = contents.Algorithm == "RSA_AES_KEY_WRAP_SHA_1" ? RSAEncryptionPadding.OaepSHA1 : RSAEncryptionPadding.OaepSHA256;
                    using (var kek = SecretBytes.TakeFrom(rsa.Decrypt(wrapped.AsSpan(0, modulus), padding)))
                    {
                        if (kek.Length is not (16 or 24 or 32))
                        {
                            throw KmsException.InvalidCiphertext();
                        }
                        var material = AesKeyWrapPadding.Unwrap(kek.UnsafeExpose(), wrapped.AsSpan(modulus)) ?? throw KmsException.InvalidCiphertext();
                        return SecretBytes.TakeFrom(material);
                    }
            }
        }
        catch (CryptographicException)
        {
            throw KmsException.InvalidCiphertext();
        }
    }

    /// <summary>Checks the material fits the key spec; returns the SPKI public key for asymmetric material.</summary>
    private static byte[]? CheckMaterial(KmsKey key, SecretBytes clear)
    {
        var info = key.SpecInfo;
        switch (info.Family)
        {
            case KeySpecInfo.Symmetric:
                return clear.Length == 32 ? null : throw IncorrectMaterial("Key material for a SYMMETRIC_DEFAULT key must be 256 bits (32 bytes).");
            case KeySpecInfo.Hmac:
                var min = info.Bits / 8;
                var max = info.Bits <= 256 ? 64 : 128;
                return clear.Length >= min && clear.Length <= max ? null
                    : throw IncorrectMaterial($"Key material for a {key.KeySpec} key must be between {min} and {max} bytes.");
            default:
                try
                {
                    return AsymmetricKeys.PublicKeyOf(key.KeySpec, clear);
                }
                catch (CryptographicException e)
                {
                    throw IncorrectMaterial($"Key material for a {key.KeySpec} key must be a DER-encoded PKCS#8 private key of that key spec ({e.Message})");
                }
        }
    }

    private static KmsException IncorrectMaterial(string message) => new("IncorrectKeyMaterialException", message);
}
