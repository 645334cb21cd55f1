using System.Security.Cryptography;
using SseSim.Core.Crypto;
using SseSim.Core.Secrets;
using SseSim.Kms.Crypto;
using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

/// <summary>The Nitro Enclaves attestation parameter (model shape RecipientInfo); SseSim refuses it.</summary>
public sealed record RecipientInfo
{
    public string? KeyEncryptionAlgorithm { get; init; }
    public byte[]? AttestationDocument { get; init; }

    /// <summary>The shape's own constraints, addressed under the request member ("recipient.keyEncryptionAlgorithm").</summary>
    public static void Validate(RecipientInfo? recipient, ref RequestErrors errors, string member)
    {
        if (recipient is null)
        {
            return;
        }
        errors.Enum(recipient.KeyEncryptionAlgorithm, member + ".keyEncryptionAlgorithm", ModelEnums.KeyEncryptionMechanism);
        errors.Blob(recipient.AttestationDocument, member + ".attestationDocument", 1, 262144);
    }
}

/// <summary>Validation, key checks and primitives shared by the cryptographic operations.</summary>
internal static class CryptoSupport
{
    public const string SymmetricDefault = "SYMMETRIC_DEFAULT";

    public static KmsException NotNull(string member) =>
        KmsException.Validation($"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null");

    public static void RejectRecipient(RecipientInfo? recipient)
    {
        if (recipient is not null)
        {
            throw KmsException.Unsupported("The Recipient parameter (AWS Nitro Enclaves attestation) is not supported by SseSim.");
        }
    }

    /// <summary>The server deserializes a plain dictionary; in-process callers may pass an EncryptionContext and skip a copy.</summary>
    public static EncryptionContext Context(IReadOnlyDictionary<string, string>? pairs) =>
        pairs as EncryptionContext ?? (pairs is null || pairs.Count == 0 ? EncryptionContext.Empty : EncryptionContext.From(pairs));

    public static void ThrowIfDryRun(bool? dryRun)
    {
        if (dryRun == true)
        {
            throw KmsException.DryRun();
        }
    }

    /// <summary>
    /// <see cref="KmsCall.UseKeyAsync"/> for a cryptographic operation, plus the lazy expiry of imported key material
    /// whose ValidTo has passed (AWS deletes it then, and the key goes to PendingImport).
    /// </summary>
    public static async ValueTask<KmsKey> UseAsync(KmsCall call, string? keyId, string? action, EncryptionContext? context, IReadOnlyList<string>? grantTokens)
    {
        var key = await call.UseKeyAsync(keyId, KeyIdForms.KeyOrAlias, KeyStateRules.Rule.Use, action, context, grantTokens);
        if (KmsService.HasExpiredMaterial(key, call.Now))
        {
            await call.Kms.ExpireImportedMaterialAsync(key, call.Now, call.CancellationToken);
            throw KmsException.InvalidState($"{key.Arn} is pending import.");
        }
        return key;
    }

    /// <summary>
    /// An imported key is usable only while every one of its materials is imported (ImportKeyMaterial: "you will need
    /// to import all of the key materials associated with the KMS key to change its state to Enabled").
    /// </summary>
    public static bool AllImported(KmsKey key) =>
        key.Materials.Count > 0 && key.Materials.All(m => m.Sealed.Length > 0) && key.PendingMaterial is not { Sealed.Length: 0 };

    /// <summary>
    /// Drops the sealed bytes of the chosen imported materials but keeps their ids, which identify each material on
    /// re-import; the key goes to PendingImport (PendingDeletion stays as it is).
    /// </summary>
    public static KmsKey Wipe(KmsKey key, Func<KeyMaterial, bool> which)
    {
        return key.WithMaterials(which, m => m with { Sealed = [], ExpirationModel = null, ValidTo = null }) with
        {
            KeyState = key.KeyState == KeyStates.PendingDeletion ? key.KeyState : KeyStates.PendingImport,
        };
    }

    public static void RequireUsage(KmsKey key, string usage, string operation)
    {
        if (key.KeyUsage != usage)
        {
            throw KmsException.InvalidKeyUsage($"{key.Arn} key usage is {key.KeyUsage} which is not valid for {operation}.");
        }
    }

    /// <summary>Data-key operations need a symmetric encryption key, as AWS words it for other specs.</summary>
    public static void RequireSymmetric(KmsKey key, string operation)
    {
        RequireUsage(key, KeyUsages.EncryptDecrypt, operation);
        if (!key.SpecInfo.IsSymmetric)
        {
            throw KmsException.InvalidKeyUsage($"{key.Arn} key KeySpec is {key.KeySpec} which is not valid for {operation}.");
        }
    }

    public static void RequireAlgorithm(KmsKey key, string algorithm, IReadOnlyList<string>? allowed)
    {
        if (allowed is null || !Contains(allowed, algorithm))
        {
            throw KmsException.InvalidKeyUsage($"Algorithm {algorithm} is incompatible with key spec {key.KeySpec}.");
        }
    }

    public static void RejectContextForAsymmetric(EncryptionContext context)
    {
        if (context.Count > 0)
        {
            throw KmsException.Validation("EncryptionContext is not supported when encrypting/decrypting with asymmetric CMKs.");
        }
    }

    private static bool Contains(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The key's current material, refusing material deleted by DeleteImportedKeyMaterial or expiry.</summary>
    public static KeyMaterial CurrentMaterial(KmsKey key) =>
        key.CurrentMaterial is { Sealed.Length: > 0 } m ? m : throw KmsException.InvalidState($"{key.Arn} is pending import.");

    /// <summary>Seals under the current material of a symmetric key (docs/formats/kms-ciphertext-blob.md).</summary>
    public static byte[] SealSymmetric(KmsCall call, KmsKey key, ReadOnlySpan<byte> plaintext, EncryptionContext context, out string materialId)
    {
        var material = CurrentMaterial(key);
        materialId = material.Id;
        return CiphertextBlob.Seal(plaintext, key.KeyId, material.Id, call.Kms.Vault.Deriver(key, material), context);
    }

    // ---- RSA encryption ----

    public static RSAEncryptionPadding OaepPadding(string algorithm) =>
        algorithm == "RSAES_OAEP_SHA_1" ? RSAEncryptionPadding.OaepSHA1 : RSAEncryptionPadding.OaepSHA256;

    public static int RsaMaxPlaintext(KmsKey key, string algorithm) =>
        (key.SpecInfo.Bits / 8) - (2 * (algorithm == "RSAES_OAEP_SHA_1" ? 20 : 32)) - 2;

    /// <summary>Checks what an RSA Encrypt needs before the DryRun point: no context, a plaintext that fits.</summary>
    public static void CheckRsaEncrypt(KmsKey key, string algorithm, int plaintextLength, EncryptionContext context)
    {
        RejectContextForAsymmetric(context);
        var max = RsaMaxPlaintext(key, algorithm);
        if (plaintextLength > max)
        {
            throw KmsException.Validation($"Algorithm {algorithm} and key spec {key.KeySpec} cannot encrypt data larger than {max} bytes.");
        }
    }

    public static byte[] RsaEncrypt(KmsKey key, string algorithm, ReadOnlySpan<byte> plaintext)
    {
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(CurrentMaterial(key).PublicKey, out _);
        return rsa.Encrypt(plaintext, OaepPadding(algorithm));
    }

    public static SecretBytes RsaDecrypt(KmsCall call, KmsKey key, string algorithm, byte[] ciphertext)
    {
        var material = CurrentMaterial(key);
        using var rsa = LoadRsa(call.Kms.OpenMaterial(key, material));
        if (ciphertext.Length != rsa.KeySize / 8)
        {
            throw KmsException.InvalidCiphertext();
        }
        try
        {
            return SecretBytes.TakeFrom(rsa.Decrypt(ciphertext, OaepPadding(algorithm)));
        }
        catch (CryptographicException)
        {
            throw KmsException.InvalidCiphertext();
        }
    }

    public static RSA LoadRsa(SecretBytes pkcs8)
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(pkcs8.UnsafeExpose(), out _);
        return rsa;
    }

    public static ECDsa LoadEcdsa(SecretBytes pkcs8)
    {
        var ec = ECDsa.Create();
        ec.ImportPkcs8PrivateKey(pkcs8.UnsafeExpose(), out _);
        return ec;
    }

    // ---- Signing ----

    public static HashAlgorithmName HashOf(string signingAlgorithm) => signingAlgorithm[^3..] switch
    {
        "256" => HashAlgorithmName.SHA256,
        "384" => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };

    public static int HashLength(HashAlgorithmName hash) => hash == HashAlgorithmName.SHA256 ? 32 : hash == HashAlgorithmName.SHA384 ? 48 : 64;

    public const string ExternalMu = "EXTERNAL_MU";

    /// <summary>Ed25519ph: the caller sends the SHA-512 digest (MessageType DIGEST) instead of the message.</summary>
    public const string Ed25519PreHash = "ED25519_PH_SHA_512";

    /// <summary>
    /// Checks Sign/Verify inputs against the key and returns what the algorithm signs: the digest for RSA and ECDSA;
    /// the message itself for Ed25519 and ML-DSA, which hash inside the algorithm (for ED25519_PH_SHA_512 the message
    /// is the caller's SHA-512 digest, for EXTERNAL_MU the 64-byte μ).
    /// </summary>
    public static byte[] SigningInput(KmsKey key, string operation, string algorithm, string messageType, byte[] message)
    {
        RequireUsage(key, KeyUsages.SignVerify, operation);
        RequireAlgorithm(key, algorithm, key.SpecInfo.SigningAlgorithms(key.KeyUsage));
        switch (key.SpecInfo.Family)
        {
            case KeySpecInfo.Ed25519:
                // "ED25519_SHA_512 signing algorithm requires MessageType:RAW, ED25519_PH_SHA_512 requires MessageType:DIGEST."
                var preHash = algorithm == Ed25519PreHash;
                if (messageType != (preHash ? "DIGEST" : "RAW"))
                {
                    throw InvalidMessageType(messageType, algorithm);
                }
                return preHash && message.Length != 64 ? throw InvalidDigestLength(algorithm) : message;
            case KeySpecInfo.MlDsa:
                if (messageType == "DIGEST")
                {
                    throw InvalidMessageType(messageType, algorithm);
                }
                return messageType == ExternalMu && message.Length != 64
                    ? throw KmsException.Validation($"EXTERNAL_MU is invalid length for algorithm {algorithm}: it must be 64 bytes.")
                    : message;
        }
        if (messageType == ExternalMu)
        {
            throw InvalidMessageType(messageType, algorithm);
        }
        var hash = HashOf(algorithm);
        if (messageType == "DIGEST")
        {
            return message.Length != HashLength(hash) ? throw InvalidDigestLength(algorithm) : message;
        }
        return hash == HashAlgorithmName.SHA256 ? SHA256.HashData(message)
            : hash == HashAlgorithmName.SHA384 ? SHA384.HashData(message)
            : SHA512.HashData(message);
    }

    private static KmsException InvalidMessageType(string messageType, string algorithm) =>
        KmsException.Validation($"MessageType {messageType} is not valid for algorithm {algorithm}.");

    private static KmsException InvalidDigestLength(string algorithm) => KmsException.Validation($"Digest is invalid length for algorithm {algorithm}.");

    public static RSASignaturePadding RsaSignaturePadding(string algorithm) =>
        algorithm.StartsWith("RSASSA_PSS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;

    // ---- HMAC ----

    public static byte[] Mac(string algorithm, ReadOnlySpan<byte> key, ReadOnlySpan<byte> message) => algorithm switch
    {
        "HMAC_SHA_224" => HmacSha224.Compute(key, message),
        "HMAC_SHA_256" => HMACSHA256.HashData(key, message),
        "HMAC_SHA_384" => HMACSHA384.HashData(key, message),
        _ => HMACSHA512.HashData(key, message),
    };

    public static KmsKey CheckMac(KmsKey key, string operation, string algorithm)
    {
        RequireUsage(key, KeyUsages.GenerateVerifyMac, operation);
        RequireAlgorithm(key, algorithm, key.SpecInfo.MacAlgorithms(key.KeyUsage));
        return key;
    }
}
