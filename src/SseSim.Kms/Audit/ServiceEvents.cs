using System.Text.Json;
using SseSim.Kms.Model;

namespace SseSim.Kms.Audit;

/// <summary>
/// Events KMS writes on its own, with no caller: the deletion of a key at the end of its waiting period (ct-delete-key),
/// automatic rotation (ct-rotatekey) and the deletion of imported key material at its ValidTo
/// (ct-deleteexpiredkeymaterial). CloudTrail marks them <c>AwsServiceEvent</c>; the identity is the key's
/// account "invoked by AWS Internal", and there is no request.
/// </summary>
public static class ServiceEvents
{
    // DeleteKey's responseElements: since December 2022 the deleted key's ARN, though nothing is returned to anyone
    // (ct-delete-key).
    public static byte[] DeleteKey(KmsKey key, string eventId, DateTimeOffset time, string region) =>
        Build("DeleteKey", key, eventId, time, region, responseKeyId: key.Arn, details: null);

    public static byte[] RotateKey(KmsKey key, KeyMaterial previous, KeyMaterial current, string eventId, DateTimeOffset time, string region) =>
        Build("RotateKey", key, eventId, time, region, responseKeyId: null, w =>
        {
            w.WriteString("rotationType", "AUTOMATIC");
            w.WriteString("keyOrigin", key.Origin);
            w.WriteString("previousKeyMaterialId", previous.Id);
            w.WriteString("currentKeyMaterialId", current.Id);
        });

    // ct-deleteexpiredkeymaterial: null responseElements; the key (its bare id) and the deleted material are named in
    // serviceEventDetails, one event per material.
    public static byte[] DeleteExpiredKeyMaterial(KmsKey key, KeyMaterial expired, string eventId, DateTimeOffset time, string region) =>
        Build("DeleteExpiredKeyMaterial", key, eventId, time, region, responseKeyId: null, w =>
        {
            w.WriteString("keyId", key.KeyId);
            w.WriteString("keyMaterialId", expired.Id);
        });

    private static byte[] Build(string eventName, KmsKey key, string eventId, DateTimeOffset time, string region, string? responseKeyId,
        Action<Utf8JsonWriter>? details)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("eventVersion", "1.11");
            w.WriteStartObject("userIdentity");
            w.WriteString("accountId", key.AccountId);
            w.WriteString("invokedBy", "AWS Internal");
            w.WriteEndObject();
            w.WriteString("eventTime", Core.Audit.AuditRecord.EventTime(time));
            w.WriteString("eventSource", "kms.amazonaws.com");
            w.WriteString("eventName", eventName);
            w.WriteString("awsRegion", region);
            w.WriteString("sourceIPAddress", "AWS Internal");
            w.WriteString("userAgent", "AWS Internal");
            w.WriteNull("requestParameters");
            if (responseKeyId is not null)
            {
                w.WriteStartObject("responseElements");
                w.WriteString("keyId", responseKeyId);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("responseElements");
            }
            w.WriteString("eventID", eventId);
            w.WriteBoolean("readOnly", false);
            w.WriteStartArray("resources");
            EventFragments.WriteKeyResource(w, key.Arn, key.AccountId);
            w.WriteEndArray();
            w.WriteString("eventType", "AwsServiceEvent");
            w.WriteBoolean("managementEvent", true);
            w.WriteString("recipientAccountId", key.AccountId);
            if (details is not null)
            {
                w.WriteStartObject("serviceEventDetails");
                details(w);
                w.WriteEndObject();
            }
            w.WriteString("eventCategory", "Management");
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
