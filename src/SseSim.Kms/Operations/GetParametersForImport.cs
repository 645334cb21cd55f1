using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using SseSim.Core.Secrets;
using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record GetParametersForImportRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public string? WrappingAlgorithm { get; init; }
    public string? WrappingKeySpec { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.Enum(WrappingAlgorithm, "wrappingAlgorithm", ModelEnums.AlgorithmSpec, required: true);
        errors.Enum(WrappingKeySpec, "wrappingKeySpec", ModelEnums.WrappingKeySpec, required: true);
    }
}

public sealed record GetParametersForImportResponse(string KeyId, byte[] ImportToken, byte[] PublicKey, DateTimeOffset ParametersValidTo);

public static class GetParametersForImport
{
    internal static readonly string[] WrappingAlgorithmEnum =
        ["RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256", "SM2PKE"];

    public static async ValueTask<GetParametersForImportResponse> ExecuteAsync(KmsCall call, GetParametersForImportRequest request)
    {
        var algorithm = request.WrappingAlgorithm!;
        var spec = request.WrappingKeySpec!;
        // Still in the model's enum, but AWS stopped accepting it on October 10, 2023 (API reference, WrappingAlgorithm).
        if (algorithm == "RSAES_PKCS1_V1_5")
        {
            throw KmsException.Validation("The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported. Use RSAES_OAEP_SHA_256, RSAES_OAEP_SHA_1, RSA_AES_KEY_WRAP_SHA_256 or RSA_AES_KEY_WRAP_SHA_1.");
        }
        var key = await call.UseKeyAsync(request.KeyId!, KeyIdForms.KeyOnly, KeyStateRules.Rule.Import);
        if (algorithm == "SM2PKE" || spec == "SM2")
        {
            throw KmsException.Unsupported("SM2 wrapping keys (China Regions only) are not supported by SseSim.");
        }

        using var rsa = RSA.Create(KeySpecInfo.All[spec].Bits);
        using var wrappingKey = SecretBytes.TakeFrom(rsa.ExportPkcs8PrivateKey());
        var validTo = call.Now.AddHours(24);
        var token = ImportToken.Issue(call.Kms, key.KeyId, algorithm, validTo, wrappingKey);
        return new GetParametersForImportResponse(key.Arn, token, rsa.ExportSubjectPublicKeyInfo(), validTo);
    }
}

/// <summary>
/// The import token is self-contained: it carries the wrapping private key, the wrapping algorithm and the expiry,
/// sealed under a root-key subkey with the key id as AAD. Nothing is stored, tokens survive restarts, and a token
/// issued for one key cannot be used on another.
/// Layout: version 0x01 ‖ nonce(12) ‖ AES-256-GCM(validTo unix ms (8, BE) ‖ algorithm index (1) ‖ PKCS#8) ‖ tag(16).
/// </summary>
internal static class ImportToken
{
    private const byte Version = 0x01;

    internal sealed record Contents(string Algorithm, DateTimeOffset ValidTo, SecretBytes WrappingKey) : IDisposable
    {
        public void Dispose() => WrappingKey.Dispose();
    }

    public static byte[] Issue(KmsService kms, string keyId, string algorithm, DateTimeOffset validTo, SecretBytes wrappingKey)
    {
        var payload = new SecretBytes(9 + wrappingKey.Length);
        using (payload)
        {
            var p = payload.UnsafeExposeWritable();
            BinaryPrimitives.WriteInt64BigEndian(p, validTo.ToUnixTimeMilliseconds());
            p[8] = (byte)Array.IndexOf(GetParametersForImport.WrappingAlgorithmEnum, algorithm);
            wrappingKey.UnsafeExpose().CopyTo(p[9..]);
            var token = new byte[1 + 12 + payload.Length + 16];
            token[0] = Version;
            RandomNumberGenerator.Fill(token.AsSpan(1, 12));
            using var subkey = kms.RootKey.DeriveSubkey("kms-import-token-v1");
            using var gcm = new AesGcm(subkey.UnsafeExpose(), 16);
            gcm.Encrypt(token.AsSpan(1, 12), p, token.AsSpan(13, payload.Length), token.AsSpan(13 + payload.Length), Aad(keyId));
            return token;
        }
    }

    public static Contents Open(KmsService kms, string keyId, byte[] token, DateTimeOffset now)
    {
        if (token.Length < 1 + 12 + 9 + 16 || token[0] != Version)
        {
            throw Invalid();
        }
        var payload = new SecretBytes(token.Length - 29);
        try
        {
            using var subkey = kms.RootKey.DeriveSubkey("kms-import-token-v1");
            using var gcm = new AesGcm(subkey.UnsafeExpose(), 16);
            gcm.Decrypt(token.AsSpan(1, 12), token.AsSpan(13, payload.Length), token.AsSpan(13 + payload.Length), payload.UnsafeExposeWritable(), Aad(keyId));
        }
        catch (CryptographicException)
        {
            payload.Dispose();
            throw Invalid();
        }
        using (payload)
        {
            var p = payload.UnsafeExpose();
            var validTo = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(p));
            if (validTo <= now)
            {
                throw new KmsException("ExpiredImportTokenException", "The import token has expired. Call GetParametersForImport for a new one.");
            }
            return new Contents(GetParametersForImport.WrappingAlgorithmEnum[p[8]], validTo, SecretBytes.CopyFrom(p[9..]));
        }
    }

    private static KmsException Invalid() =>
        new("InvalidImportTokenException", "The import token is not valid for the specified KMS key.");

    private static byte[] Aad(string keyId) => Encoding.ASCII.GetBytes("sseSim-import-token-v1\0" + keyId);
}
