using System.Security.Cryptography;
using SseSim.Core.Secrets;

namespace SseSim.Objects.Sse;

/// <summary>SSE-C header validation (reference/s3.md §1.6) and the salted HMAC kept instead of the key.</summary>
internal static class CustomerKey
{
    private const string ArgumentName = "x-amz-server-side-encryption";

    public static bool IsPresent(CustomerKeyHeaders? h) => h is not null && (h.Algorithm is not null || h.Key is not null || h.KeyMd5 is not null);

    /// <summary>Validates the headers and returns the key; the caller disposes it.</summary>
    public static SecretBytes Parse(CustomerKeyHeaders h)
    {
        if (h.Algorithm is null)
        {
            throw S3Exception.InvalidArgument("Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.", ArgumentName);
        }
        if (h.Algorithm != "AES256")
        {
            throw new S3Exception(S3ErrorCode.InvalidEncryptionAlgorithmError, "The Encryption request you specified is not valid. Supported value: AES256.")
                .With("ArgumentName", ArgumentName).With("ArgumentValue", h.Algorithm);
        }
        if (h.Key is null)
        {
            throw S3Exception.InvalidArgument("Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.", ArgumentName);
        }
        var raw = new byte[64];
        try
        {
            if (!Convert.TryFromBase64String(h.Key, raw, out var written) || written != 32 || h.KeyMd5 is null)
            {
                throw S3Exception.InvalidArgument("The secret key was invalid for the specified algorithm.", ArgumentName);
            }
            Span<byte> md5 = stackalloc byte[16];
            MD5.HashData(raw.AsSpan(0, 32), md5);
            Span<byte> given = stackalloc byte[24];
            if (!Convert.TryFromBase64String(h.KeyMd5, given, out var md5Length) || md5Length != 16 || !CryptographicOperations.FixedTimeEquals(md5, given[..16]))
            {
                throw S3Exception.InvalidArgument("The calculated MD5 hash of the key did not match the hash that was provided.", ArgumentName);
            }
            return SecretBytes.CopyFrom(raw.AsSpan(0, 32));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    public static (byte[] Salt, byte[] Hmac) Seal(SecretBytes key)
    {
        var salt = RandomNumberGenerator.GetBytes(32);
        return (salt, HMACSHA256.HashData(salt, key.UnsafeExpose()));
    }

    public static bool Matches(SecretBytes key, byte[] salt, byte[] hmac) =>
        CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(salt, key.UnsafeExpose()), hmac);
}
