using System.Text.Json;
using SseSim.Kms.Operations;

namespace SseSim.Kms.Audit;

/// <summary>
/// requestParameters of the hottest operations written by hand: the same members, order and omissions as the
/// camelCase serializer path in <see cref="AuditTrail"/> (nulls left out, plaintext and grant tokens never written),
/// without the serializer's per-call metadata lookups and write stack.
/// </summary>
internal static class HotRequestParameters
{
    /// <summary>False for request types without a hand-written form; the caller falls back to the serializer.</summary>
    public static bool TryWrite(Utf8JsonWriter w, object request) => request switch
    {
        GenerateDataKeyRequest r => Write(w, r.KeyId, r.EncryptionContext, r.NumberOfBytes, r.KeySpec, numberFirst: true, null, r.DryRun),
        GenerateDataKeyWithoutPlaintextRequest r => Write(w, r.KeyId, r.EncryptionContext, r.NumberOfBytes, r.KeySpec, numberFirst: false, null, r.DryRun),
        // CloudTrail names the algorithm even when the caller left it to the default (the ct-encrypt example and
        // services' Encrypt events all carry it), as it does for Decrypt.
        EncryptRequest r => Write(w, r.KeyId, r.EncryptionContext, null, null, numberFirst: false,
            r.EncryptionAlgorithm ?? CryptoSupport.SymmetricDefault, r.DryRun),
        _ => false,
    };

    private static bool Write(Utf8JsonWriter w, string? keyId, IReadOnlyDictionary<string, string>? context, int? numberOfBytes, string? keySpec,
        bool numberFirst, string? encryptionAlgorithm, bool? dryRun)
    {
        if (keyId is null && context is null && numberOfBytes is null && keySpec is null && encryptionAlgorithm is null && dryRun is null)
        {
            // The serializer path writes an empty request as null.
            w.WriteNullValue();
            return true;
        }
        w.WriteStartObject();
        if (keyId is not null)
        {
            w.WriteString("keyId"u8, keyId);
        }
        if (context is not null)
        {
            w.WriteStartObject("encryptionContext"u8);
            foreach (var (k, v) in context)
            {
                w.WriteString(k, v);
            }
            w.WriteEndObject();
        }
        if (numberFirst && numberOfBytes is { } n1)
        {
            w.WriteNumber("numberOfBytes"u8, n1);
        }
        if (keySpec is not null)
        {
            w.WriteString("keySpec"u8, keySpec);
        }
        if (!numberFirst && numberOfBytes is { } n2)
        {
            w.WriteNumber("numberOfBytes"u8, n2);
        }
        if (encryptionAlgorithm is not null)
        {
            w.WriteString("encryptionAlgorithm"u8, encryptionAlgorithm);
        }
        if (dryRun is { } d)
        {
            w.WriteBoolean("dryRun"u8, d);
        }
        w.WriteEndObject();
        return true;
    }
}
