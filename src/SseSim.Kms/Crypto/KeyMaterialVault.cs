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
        byte[]? publicKey = null;
        using var clear = info.Family switch
        {
            KeySpecInfo.Symmetric => SecretBytes.Random(32),
            KeySpecInfo.Hmac => SecretBytes.Random(info.Bits / 8),
            _ => AsymmetricKeys.Generate(keySpec, out publicKey),
        };
        return Seal(keyId, materialId, clear, publicKey, rotationType);
    }

    /// <summary>
    /// Seals seed-file material and caches it; asymmetric material must be a PKCS#8 private key of
    /// <paramref name="keySpec"/> (CryptographicException otherwise).
    /// </summary>
    public KeyMaterial Seal(string keyId, string keySpec, string materialId, SecretBytes clear) =>
        Seal(keyId, materialId, clear, KeySpecInfo.All[keySpec].IsAsymmetric ? AsymmetricKeys.PublicKeyOf(keySpec, clear) : null);

    private KeyMaterial Seal(string keyId, string materialId, SecretBytes clear, byte[]? publicKey, string? rotationType = null)
    {
        var material = new KeyMaterial
        {
            Id = materialId,
            Sealed = rootKey.Seal(clear.UnsafeExpose(), keyId, materialId),
            CreatedAt = time.GetUtcNow(),
            RotationType = rotationType,
            PublicKey = publicKey,
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
