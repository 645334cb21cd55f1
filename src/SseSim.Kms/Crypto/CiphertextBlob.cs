using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using SseSim.Core.Crypto;
using SseSim.Core.Secrets;

namespace SseSim.Kms.Crypto;

/// <summary>The symmetric ciphertext blob, docs/formats/kms-ciphertext-blob.md.</summary>
public static class CiphertextBlob
{
    public const byte Version = 0x01;
    public const int MaterialIdLength = 32;
    public const int NonceLength = 16;
    public const int TagLength = 16;
    private static readonly byte[] Label = "sseSim-kms-blob-v1"u8.ToArray();
    private static readonly byte[] ZeroIv = new byte[12];

    public static int Overhead(int keyIdLength) => 2 + keyIdLength + MaterialIdLength + NonceLength + TagLength;

    /// <summary>Encrypts under <paramref name="backingKey"/>; material id is 64 hex chars (docs/formats/kms-ciphertext-blob.md#layout).</summary>
    public static byte[] Seal(ReadOnlySpan<byte> plaintext, string keyId, string materialId, SecretBytes backingKey, EncryptionContext context) =>
        Seal(plaintext, keyId, materialId, new KdfKey(backingKey, null), context);

    /// <summary>As above, with the vault's pooled KDF state for the material.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> plaintext, string keyId, string materialId, MessageKeyDeriver deriver, EncryptionContext context) =>
        Seal(plaintext, keyId, materialId, new KdfKey(null, deriver), context);

    /// <summary>The backing key, or its deriver (one of the two).</summary>
    private readonly record struct KdfKey(SecretBytes? BackingKey, MessageKeyDeriver? Deriver);

    private static byte[] Seal(ReadOnlySpan<byte> plaintext, string keyId, string materialId, KdfKey backingKey, EncryptionContext context)
    {
        var idLength = Encoding.ASCII.GetByteCount(keyId);
        var headerLength = 2 + idLength + MaterialIdLength + NonceLength;
        var blob = new byte[headerLength + plaintext.Length + TagLength];
        blob[0] = Version;
        blob[1] = checked((byte)idLength);
        Encoding.ASCII.GetBytes(keyId, blob.AsSpan(2, idLength));
        Convert.FromHexString(materialId, blob.AsSpan(2 + idLength, MaterialIdLength), out _, out _);
        var nonce = blob.AsSpan(2 + idLength + MaterialIdLength, NonceLength);
        RandomPool.Fill(nonce);

        Span<byte> messageKey = stackalloc byte[32];
        try
        {
            DeriveMessageKey(backingKey, nonce, blob.AsSpan(1, 1 + idLength + MaterialIdLength), messageKey);
            var aad = BuildAad(blob.AsSpan(0, headerLength), context, out var rented);
            try
            {
                AesGcmOneShot.Encrypt(messageKey, ZeroIv, plaintext, blob.AsSpan(headerLength, plaintext.Length), blob.AsSpan(headerLength + plaintext.Length), aad);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(messageKey);
        }
        return blob;
    }

    /// <summary>Reads the header without decrypting; false when the blob cannot be one of ours.</summary>
    public static bool TryParseHeader(ReadOnlySpan<byte> blob, out string keyId, out string materialId)
    {
        keyId = materialId = "";
        if (blob.Length < 2 || blob[0] != Version)
        {
            return false;
        }
        int idLength = blob[1];
        if (idLength is 0 or > 64 || blob.Length < Overhead(idLength) + 1)
        {
            return false;
        }
        var id = blob.Slice(2, idLength);
        foreach (var b in id)
        {
            if (b is < 0x21 or > 0x7e)
            {
                return false;
            }
        }
        keyId = Encoding.ASCII.GetString(id);
        materialId = Convert.ToHexStringLower(blob.Slice(2 + idLength, MaterialIdLength));
        return true;
    }

    /// <summary>Decrypts; any mismatch is InvalidCiphertextException with an empty message (docs/formats/kms-ciphertext-blob.md#errors).</summary>
    public static SecretBytes Open(ReadOnlySpan<byte> blob, SecretBytes backingKey, EncryptionContext context) =>
        Open(blob, new KdfKey(backingKey, null), context);

    /// <summary>As above, with the vault's pooled KDF state for the material.</summary>
    public static SecretBytes Open(ReadOnlySpan<byte> blob, MessageKeyDeriver deriver, EncryptionContext context) =>
        Open(blob, new KdfKey(null, deriver), context);

    private static SecretBytes Open(ReadOnlySpan<byte> blob, KdfKey backingKey, EncryptionContext context)
    {
        if (!TryParseHeader(blob, out var keyId, out _))
        {
            throw KmsException.InvalidCiphertext();
        }
        var idLength = keyId.Length;
        var headerLength = 2 + idLength + MaterialIdLength + NonceLength;
        var plaintext = new SecretBytes(blob.Length - headerLength - TagLength);
        Span<byte> messageKey = stackalloc byte[32];
        try
        {
            DeriveMessageKey(backingKey, blob.Slice(2 + idLength + MaterialIdLength, NonceLength), blob.Slice(1, 1 + idLength + MaterialIdLength), messageKey);
            var aad = BuildAad(blob[..headerLength], context, out var rented);
            try
            {
                AesGcmOneShot.Decrypt(messageKey, ZeroIv, blob.Slice(headerLength, plaintext.Length), blob[^TagLength..], plaintext.UnsafeExposeWritable(), aad);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
            return plaintext;
        }
        catch (CryptographicException)
        {
            plaintext.Dispose();
            throw KmsException.InvalidCiphertext();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(messageKey);
        }
    }

    // docs/formats/kms-ciphertext-blob.md#keys: NIST SP 800-108 counter-mode KDF with HMAC-SHA256, one block:
    // K = HMAC(backing key, [1]_32 ‖ label ‖ 0x00 ‖ nonce ‖ keyIdLength ‖ keyId ‖ materialId ‖ [256]_32).
    private static void DeriveMessageKey(KdfKey backingKey, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> lengthIdAndMaterial, Span<byte> output)
    {
        Span<byte> input = stackalloc byte[4 + Label.Length + 1 + NonceLength + lengthIdAndMaterial.Length + 4];
        BinaryPrimitives.WriteUInt32BigEndian(input, 1);
        Label.CopyTo(input[4..]);
        var offset = 4 + Label.Length;
        input[offset++] = 0;
        nonce.CopyTo(input[offset..]);
        offset += NonceLength;
        lengthIdAndMaterial.CopyTo(input[offset..]);
        offset += lengthIdAndMaterial.Length;
        BinaryPrimitives.WriteUInt32BigEndian(input[offset..], 256);
        if (backingKey.Deriver is { } deriver)
        {
            deriver.Derive(input, output);
        }
        else
        {
            HMACSHA256.HashData(backingKey.BackingKey!.UnsafeExpose(), input, output);
        }
    }

    private static ReadOnlySpan<byte> BuildAad(ReadOnlySpan<byte> header, EncryptionContext context, out byte[] rented)
    {
        rented = ArrayPool<byte>.Shared.Rent(header.Length + context.CanonicalLength);
        header.CopyTo(rented);
        var written = context.WriteCanonical(rented.AsSpan(header.Length));
        return rented.AsSpan(0, header.Length + written);
    }
}
