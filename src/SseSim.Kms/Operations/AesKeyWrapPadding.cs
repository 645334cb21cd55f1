using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SseSim.Kms.Operations;

/// <summary>
/// AES Key Wrap with Padding (RFC 5649), the second half of the RSA_AES_KEY_WRAP_SHA_* import wrapping algorithms.
/// .NET has no KWP, so it is built on single-block AES-ECB as the RFC describes.
/// </summary>
public static class AesKeyWrapPadding
{
    private const uint AivPrefix = 0xA65959A6;

    public static byte[] Wrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> plaintext)
    {
        if (plaintext.IsEmpty)
        {
            throw new ArgumentException("Nothing to wrap.", nameof(plaintext));
        }
        using var aes = Aes.Create();
        aes.Key = kek.ToArray();
        var padded = (plaintext.Length + 7) / 8 * 8;
        var output = new byte[8 + padded];
        BinaryPrimitives.WriteUInt32BigEndian(output, AivPrefix);
        BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(4), (uint)plaintext.Length);
        plaintext.CopyTo(output.AsSpan(8));
        if (padded == 8)
        {
            aes.EncryptEcb(output, output, PaddingMode.None);
            return output;
        }
        var n = padded / 8;
        Span<byte> block = stackalloc byte[16];
        for (var j = 0; j < 6; j++)
        {
            for (var i = 1; i <= n; i++)
            {
                output.AsSpan(0, 8).CopyTo(block);
                output.AsSpan(i * 8, 8).CopyTo(block[8..]);
                aes.EncryptEcb(block, block, PaddingMode.None);
                var t = (ulong)((n * j) + i);
                BinaryPrimitives.WriteUInt64BigEndian(output, BinaryPrimitives.ReadUInt64BigEndian(block) ^ t);
                block[8..].CopyTo(output.AsSpan(i * 8, 8));
            }
        }
        CryptographicOperations.ZeroMemory(block);
        return output;
    }

    /// <summary>Unwraps; null when the integrity check fails (wrong key, corruption, bad padding).</summary>
    public static byte[]? Unwrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrapped)
    {
        if (wrapped.Length < 16 || wrapped.Length % 8 != 0)
        {
            return null;
        }
        using var aes = Aes.Create();
        aes.Key = kek.ToArray();
        var buffer = wrapped.ToArray();
        var n = (buffer.Length / 8) - 1;
        if (n == 1)
        {
            aes.DecryptEcb(buffer, buffer, PaddingMode.None);
        }
        else
        {
            Span<byte> block = stackalloc byte[16];
            for (var j = 5; j >= 0; j--)
            {
                for (var i = n; i >= 1; i--)
                {
                    var t = (ulong)((n * j) + i);
                    BinaryPrimitives.WriteUInt64BigEndian(block, BinaryPrimitives.ReadUInt64BigEndian(buffer) ^ t);
                    buffer.AsSpan(i * 8, 8).CopyTo(block[8..]);
                    aes.DecryptEcb(block, block, PaddingMode.None);
                    block[..8].CopyTo(buffer);
                    block[8..].CopyTo(buffer.AsSpan(i * 8, 8));
                }
            }
            CryptographicOperations.ZeroMemory(block);
        }
        var length = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(4));
        var valid = BinaryPrimitives.ReadUInt32BigEndian(buffer) == AivPrefix && length > 8 * (n - 1) && length <= 8 * n;
        if (valid)
        {
            foreach (var b in buffer.AsSpan(8 + (int)length))
            {
                valid &= b == 0;
            }
        }
        var result = valid ? buffer.AsSpan(8, (int)length).ToArray() : null;
        CryptographicOperations.ZeroMemory(buffer);
        return result;
    }
}
