using System.Collections.Concurrent;
using System.Security.Cryptography;
using SseSim.Core.Secrets;
using SseSim.Kms.Model;

namespace SseSim.Kms.Crypto;

/// <summary>
/// Creates key material, seals it under the root key for storage, and keeps unsealed material in memory
/// (pinned, zeroed on purge) so a cryptographic call never pays for an unseal.
/// </summary>
public sealed class KeyMaterialVault(RootKey rootKey, TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<(string KeyId, string MaterialId), SecretBytes> _clear = new();
    private readonly ConcurrentDictionary<(string KeyId, string MaterialId), MessageKeyDeriver> _derivers = new();

    public static string NewMaterialId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>New material for <paramref name="keySpec"/>: AES/HMAC bytes, or a PKCS#8 private key with its public key.</summary>
    public KeyMaterial Generate(string keyId, string keySpec, string? rotationType = null)
    {
        var info = KeySpecInfo.All[keySpec];
        var materialId = NewMaterialId();
        using var clear = info.Family switch
        {
            KeySpecInfo.Symmetric => SecretBytes.Random(32),
            KeySpecInfo.Hmac => SecretBytes.Random(info.Bits / 8),
            KeySpecInfo.Rsa => ExportPrivate(RSA.Create(info.Bits)),
            KeySpecInfo.Ecc => ExportPrivate(ECDsa.Create(CurveFor(keySpec))),
            _ => throw new InvalidOperationException(keySpec),
        };
        return Seal(keyId, materialId, clear, rotationType);
    }

    /// <summary>Seals caller-supplied material (seed files, ImportKeyMaterial) and caches it.</summary>
    public KeyMaterial Seal(string keyId, string materialId, SecretBytes clear, string? rotationType = null, string? expirationModel = null, DateTimeOffset? validTo = null)
    {
        byte[]? publicKey = null;
        if (IsPkcs8(clear))
        {
            publicKey = PublicKeyOf(clear);
        }
        var material = new KeyMaterial
        {
            Id = materialId,
            Sealed = rootKey.Seal(clear.UnsafeExpose(), keyId, materialId),
            CreatedAt = time.GetUtcNow(),
            RotationType = rotationType,
            PublicKey = publicKey,
            ExpirationModel = expirationModel,
            ValidTo = validTo,
        };
        _clear[(keyId, materialId)] = clear.Clone();
        DropDeriver((keyId, materialId));
        return material;
    }

    /// <summary>The clear material; owned by the vault, so callers must not dispose it.</summary>
    public SecretBytes Open(KmsKey key, KeyMaterial material) =>
        _clear.GetOrAdd((key.KeyId, material.Id), static (id, arg) => arg.rootKey.Unseal(arg.material.Sealed, id.KeyId, id.MaterialId), (rootKey, material));

    /// <summary>
    /// The message-key KDF of symmetric material (<see cref="CiphertextBlob"/>), keyed once; owned by the vault and
    /// disposed with the material.
    /// </summary>
    public MessageKeyDeriver Deriver(KmsKey key, KeyMaterial material)
    {
        if (_derivers.TryGetValue((key.KeyId, material.Id), out var deriver))
        {
            return deriver;
        }
        // A deriver holds no keyed state until first used, so one that loses a race to GetOrAdd leaves nothing behind.
        return _derivers.GetOrAdd((key.KeyId, material.Id), static (_, arg) => new MessageKeyDeriver(arg.Vault.Open(arg.key, arg.material)),
            (Vault: this, key, material));
    }

    private void DropDeriver((string KeyId, string MaterialId) id)
    {
        if (_derivers.TryRemove(id, out var deriver))
        {
            deriver.Dispose();
        }
    }

    public void Forget(string keyId)
    {
        foreach (var id in _derivers.Keys.Where(k => k.KeyId == keyId).ToList())
        {
            DropDeriver(id);
        }
        foreach (var id in _clear.Keys.Where(k => k.KeyId == keyId).ToList())
        {
            if (_clear.TryRemove(id, out var s))
            {
                s.Dispose();
            }
        }
    }

    public static ECCurve CurveFor(string keySpec) => keySpec switch
    {
        "ECC_NIST_P256" => ECCurve.NamedCurves.nistP256,
        "ECC_NIST_P384" => ECCurve.NamedCurves.nistP384,
        "ECC_NIST_P521" => ECCurve.NamedCurves.nistP521,
        "ECC_SECG_P256K1" => ECCurve.CreateFromFriendlyName("secp256k1"),
        _ => throw new ArgumentOutOfRangeException(nameof(keySpec)),
    };

    private static SecretBytes ExportPrivate(AsymmetricAlgorithm algorithm)
    {
        using (algorithm)
        {
            return SecretBytes.TakeFrom(algorithm.ExportPkcs8PrivateKey());
        }
    }

    // PKCS#8 DER starts with a SEQUENCE; symmetric material is random and checked by length first.
    private static bool IsPkcs8(SecretBytes clear) => clear.Length > 64 && clear.UnsafeExpose()[0] == 0x30;

    private static byte[] PublicKeyOf(SecretBytes pkcs8)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8.UnsafeExpose(), out _);
            return rsa.ExportSubjectPublicKeyInfo();
        }
        catch (CryptographicException)
        {
            using var ec = ECDsa.Create();
            ec.ImportPkcs8PrivateKey(pkcs8.UnsafeExpose(), out _);
            return ec.ExportSubjectPublicKeyInfo();
        }
    }

    public void Dispose()
    {
        foreach (var d in _derivers.Values)
        {
            d.Dispose();
        }
        _derivers.Clear();
        foreach (var s in _clear.Values)
        {
            s.Dispose();
        }
        _clear.Clear();
    }
}
