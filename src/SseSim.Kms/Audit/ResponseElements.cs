using System.Globalization;
using System.Text.Json;
using SseSim.Kms.Operations;

namespace SseSim.Kms.Audit;

/// <summary>
/// CloudTrail <c>responseElements</c> of a successful KMS call, as the KMS developer guide's log-entry examples
/// (ct-*.html) show them. Most calls log null, the cryptographic ones included. Key-management calls log what they
/// changed; since December 2022 several that return nothing log the affected key's ARN as <c>keyId</c>.
/// </summary>
internal static class ResponseElements
{
    /// <summary>Writes the value of <c>responseElements</c>: null unless the operation's entry carries members.</summary>
    public static void Write(Utf8JsonWriter w, string operation, object? response, string[] resourceArns)
    {
        // By response type first: the hot cryptographic responses fall through to null without a string compare.
        switch (response)
        {
            case CreateKeyResponse r:
                w.WriteStartObject();
                w.WritePropertyName("keyMetadata"u8);
                WriteKeyMetadata(w, r.KeyMetadata);
                w.WriteEndObject();
                return;
            case ScheduleKeyDeletionResponse r:
                w.WriteStartObject();
                w.WriteString("keyId"u8, r.KeyId);
                w.WriteString("keyState"u8, r.KeyState);
                if (r.DeletionDate is { } deletionDate)
                {
                    w.WriteString("deletionDate"u8, Format(deletionDate));
                }
                w.WriteEndObject();
                return;
            case CancelKeyDeletionResponse r:
                WriteKeyId(w, r.KeyId);
                return;
            case CreateGrantResponse r:
                w.WriteStartObject();
                w.WriteString("grantId"u8, r.GrantId);
                if (KeyArn(resourceArns) is { } grantKey)
                {
                    w.WriteString("keyId"u8, grantKey);
                }
                w.WriteEndObject();
                return;
            case ImportKeyMaterialResponse r:
                WriteKeyMaterial(w, r.KeyId, r.KeyMaterialId);
                return;
            case DeleteImportedKeyMaterialResponse r:
                WriteKeyMaterial(w, r.KeyId, r.KeyMaterialId);
                return;
            case RotateKeyOnDemandResponse r:
                // What the call answers: ct-rotatekeyondemand's 2024 example shows the bare id, which the call answered
                // then; it answers the key ARN now.
                WriteKeyId(w, r.KeyId);
                return;
            case EmptyResponse when operation is "CreateAlias" or "UpdateAlias" or "DeleteAlias" or "EnableKey" or "DisableKey" or "EnableKeyRotation"
                && KeyArn(resourceArns) is { } arn:
                // These return nothing; CloudTrail has logged the affected key's ARN for them since December 2022.
                WriteKeyId(w, arn);
                return;
            default:
                w.WriteNullValue();
                return;
        }
    }

    /// <summary>
    /// <c>additionalEventData</c> of the cryptographic calls: the key material they used (KMS's 2025 log entries:
    /// ct-encrypt, ct-decrypt, ct-generatedatakey*, ct-reencrypt), and RetireGrant's grant (ct-retire-grant). Writes
    /// nothing for other calls.
    /// </summary>
    public static void WriteAdditionalEventData(Utf8JsonWriter w, object? response)
    {
        var materialId = response switch
        {
            GenerateDataKeyResponse r => r.KeyMaterialId,
            GenerateDataKeyWithoutPlaintextResponse r => r.KeyMaterialId,
            EncryptResponse r => r.KeyMaterialId,
            DecryptResponse r => r.KeyMaterialId,
            GenerateDataKeyPairResponse r => r.KeyMaterialId,
            GenerateDataKeyPairWithoutPlaintextResponse r => r.KeyMaterialId,
            _ => null,
        };
        if (materialId is not null)
        {
            w.WriteStartObject("additionalEventData"u8);
            w.WriteString("keyMaterialId"u8, materialId);
            w.WriteEndObject();
        }
        else if (response is RetireGrantResponse { GrantId: { } grantId })
        {
            // A grant retired by its token logs no request parameters; this is where the grant is named.
            w.WriteStartObject("additionalEventData"u8);
            w.WriteString("grantId"u8, grantId);
            w.WriteEndObject();
        }
        else if (response is ReEncryptResponse { SourceKeyMaterialId: var source, DestinationKeyMaterialId: var destination }
            && (source is not null || destination is not null))
        {
            w.WriteStartObject("additionalEventData"u8);
            if (destination is not null)
            {
                w.WriteString("destinationKeyMaterialId"u8, destination);
            }
            if (source is not null)
            {
                w.WriteString("sourceKeyMaterialId"u8, source);
            }
            w.WriteEndObject();
        }
    }

    private static void WriteKeyId(Utf8JsonWriter w, string keyId)
    {
        w.WriteStartObject();
        w.WriteString("keyId"u8, keyId);
        w.WriteEndObject();
    }

    private static void WriteKeyMaterial(Utf8JsonWriter w, string keyId, string? keyMaterialId)
    {
        w.WriteStartObject();
        w.WriteString("keyId"u8, keyId);
        if (keyMaterialId is not null)
        {
            w.WriteString("keyMaterialId"u8, keyMaterialId);
        }
        w.WriteEndObject();
    }

    /// <summary>The key the call resolved first: an event's resources are the keys it touched, in order.</summary>
    // The first key among the resources (an alias call names its alias's ARN there too).
    private static string? KeyArn(string[] resourceArns) => Array.Find(resourceArns, a => a.Contains(":key/", StringComparison.Ordinal));

    /// <summary>
    /// CreateKey's entry: the KeyMetadata members in camelCase, in the example's order, dates in the log's
    /// "MMM d, yyyy, h:mm:ss AM" form rather than the API's epoch seconds.
    /// </summary>
    private static void WriteKeyMetadata(Utf8JsonWriter w, KeyMetadata m)
    {
        w.WriteStartObject();
        if (m.AWSAccountId is not null)
        {
            w.WriteString("AWSAccountId"u8, m.AWSAccountId);
        }
        w.WriteString("keyId"u8, m.KeyId);
        if (m.Arn is not null)
        {
            w.WriteString("arn"u8, m.Arn);
        }
        if (m.CreationDate is { } created)
        {
            w.WriteString("creationDate"u8, Format(created));
        }
        w.WriteBoolean("enabled"u8, m.Enabled);
        w.WriteString("description"u8, m.Description ?? "");
        WriteIfSet(w, "keyUsage"u8, m.KeyUsage);
        WriteIfSet(w, "keyState"u8, m.KeyState);
        WriteIfSet(w, "origin"u8, m.Origin);
        WriteIfSet(w, "keyManager"u8, m.KeyManager);
        WriteIfSet(w, "customerMasterKeySpec"u8, m.CustomerMasterKeySpec);
        WriteIfSet(w, "keySpec"u8, m.KeySpec);
        WriteList(w, "encryptionAlgorithms"u8, m.EncryptionAlgorithms);
        WriteList(w, "signingAlgorithms"u8, m.SigningAlgorithms);
        WriteList(w, "keyAgreementAlgorithms"u8, m.KeyAgreementAlgorithms);
        WriteList(w, "macAlgorithms"u8, m.MacAlgorithms);
        w.WriteBoolean("multiRegion"u8, m.MultiRegion ?? false);
        w.WriteEndObject();
    }

    private static void WriteIfSet(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteList(Utf8JsonWriter w, ReadOnlySpan<byte> name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return;
        }
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }

    /// <summary>Dates inside KMS log entries, in UTC ("Aug 10, 2022, 10:38:27 PM" in ct-createkey).</summary>
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("MMM d, yyyy, h:mm:ss tt", CultureInfo.InvariantCulture);
}
