using System.Security.Cryptography;
using System.Text;
using SseSim.Kms.Crypto;

namespace SseSim.Kms.Authorization;

/// <summary>
/// Grant tokens: base64 of version(1) ‖ grant id(32) ‖ grant secret(32) ‖ nonce(16). The secret is
/// HMAC(root-derived subkey, grant id), so a Name-idempotent retry can mint a fresh, interchangeable token without
/// the secret ever being stored; only SHA-256(secret) is kept, as <see cref="Model.KmsGrant.TokenHash"/>.
/// The nonce makes every token returned by CreateGrant unique, as AWS documents.
/// </summary>
public static class GrantTokens
{
    private const byte Version = 1;
    private const int Length = 1 + 32 + 32 + 16;

    public static string NewGrantId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Returns a new token for <paramref name="grantId"/> and the hash to store with the grant.</summary>
    public static (string Token, string TokenHash) Issue(RootKey rootKey, string grantId)
    {
        Span<byte> raw = stackalloc byte[Length];
        raw[0] = Version;
        Convert.FromHexString(grantId, raw.Slice(1, 32), out _, out _);
        using var subkey = rootKey.DeriveSubkey("kms-grant-token-v1");
        HMACSHA256.HashData(subkey.UnsafeExpose(), Encoding.ASCII.GetBytes(grantId), raw.Slice(33, 32));
        RandomNumberGenerator.Fill(raw.Slice(65, 16));
        var hash = Convert.ToHexStringLower(SHA256.HashData(raw.Slice(33, 32)));
        var token = Convert.ToBase64String(raw);
        CryptographicOperations.ZeroMemory(raw);
        return (token, hash);
    }

    /// <summary>Decodes a token's grant id and checks the token hash; false when the token is not one of ours.</summary>
    public static bool TryRead(string token, out string grantId, out string tokenHash)
    {
        grantId = tokenHash = "";
        if (token.Length is 0 or > 8192)
        {
            return false;
        }
        Span<byte> raw = stackalloc byte[Length + 3];
        if (!Convert.TryFromBase64String(token, raw, out var written) || written != Length || raw[0] != Version)
        {
            return false;
        }
        grantId = Convert.ToHexStringLower(raw.Slice(1, 32));
        tokenHash = Convert.ToHexStringLower(SHA256.HashData(raw.Slice(33, 32)));
        return true;
    }

    public static KmsException Invalid() => new("InvalidGrantTokenException", "Grant token is invalid.");
}
