using System.Security.Cryptography;
using System.Text;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;

namespace SseSim.Kms.Crypto;

/// <summary>
/// The domain key that seals all key material at rest (AWS: HBKs exported as EKTs under a domain key).
/// Sealed form: nonce(12) ‖ ciphertext ‖ tag(16), AES-256-GCM, AAD = "sseSim-seal-v1" ‖ key id ‖ material id,
/// so sealed material cannot be moved between keys or versions.
/// </summary>
public sealed class RootKey : IDisposable
{
    private const string FileName = "kms-root.key";
    private readonly SecretBytes _key;

    public RootKey(SecretBytes key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("The root key must be 32 bytes.", nameof(key));
        }
        _key = key;
    }

    /// <summary>Loads the root key from the data dir, creating it (owner-only permissions) on first start.</summary>
    public static RootKey LoadOrCreate(string dataDir)
    {
        DirectorySync.CreateDurable(dataDir);
        var path = Path.Combine(dataDir, FileName);
        if (!File.Exists(path))
        {
            using var fresh = SecretBytes.Random(32);
            var temp = path + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Options = FileOptions.WriteThrough };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var fs = new FileStream(temp, options))
            {
                fs.Write(fresh.UnsafeExpose());
                fs.Flush(flushToDisk: true);
            }
            // Without the directory fsync a power loss could keep sealed keys but lose the key that opens them.
            DirectorySync.MoveDurable(temp, path);
        }
        CheckPermissions(path);
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != 32)
        {
            CryptographicOperations.ZeroMemory(bytes);
            throw new InvalidOperationException($"{path} is not a 32-byte root key.");
        }
        return new RootKey(SecretBytes.TakeFrom(bytes));
    }

    /// <summary>
    /// Refuses a root key file that group or others can read or write, as ssh refuses a private key: whoever reads it
    /// can unseal every KMS key (docs/security.md#key-material).
    /// </summary>
    public static void CheckPermissions(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        const UnixFileMode Loose = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        var mode = File.GetUnixFileMode(path);
        if ((mode & Loose) != 0)
        {
            throw new InvalidOperationException(
                $"{path} is accessible by group or others (mode {Convert.ToString((int)mode, 8)}); the root key must be owner-only: chmod 600 {path}");
        }
    }

    public byte[] Seal(ReadOnlySpan<byte> material, string keyId, string materialId)
    {
        var output = new byte[12 + material.Length + 16];
        RandomNumberGenerator.Fill(output.AsSpan(0, 12));
        using var gcm = new AesGcm(_key.UnsafeExpose(), 16);
        gcm.Encrypt(output.AsSpan(0, 12), material, output.AsSpan(12, material.Length), output.AsSpan(12 + material.Length), Aad(keyId, materialId));
        return output;
    }

    public SecretBytes Unseal(byte[] sealedMaterial, string keyId, string materialId)
    {
        if (sealedMaterial.Length < 28)
        {
            throw new CryptographicException("Sealed key material is truncated.");
        }
        var plain = new SecretBytes(sealedMaterial.Length - 28);
        try
        {
            using var gcm = new AesGcm(_key.UnsafeExpose(), 16);
            gcm.Decrypt(sealedMaterial.AsSpan(0, 12), sealedMaterial.AsSpan(12, plain.Length), sealedMaterial.AsSpan(12 + plain.Length), plain.UnsafeExposeWritable(), Aad(keyId, materialId));
            return plain;
        }
        catch
        {
            plain.Dispose();
            throw;
        }
    }

    /// <summary>A 32-byte subkey for another component (e.g. the S3-owned SSE-S3 master key), derived so it never needs its own file.</summary>
    public SecretBytes DeriveSubkey(string purpose)
    {
        var output = new SecretBytes(32);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _key.UnsafeExpose(), output.UnsafeExposeWritable(), salt: [], info: Encoding.UTF8.GetBytes("sseSim-subkey-v1:" + purpose));
        return output;
    }

    private static byte[] Aad(string keyId, string materialId) => Encoding.UTF8.GetBytes($"sseSim-seal-v1\0{keyId}\0{materialId}");

    public void Dispose() => _key.Dispose();
}
