using System.Text.Json;
using SseSim.Kms.Audit;
using SseSim.Kms.Operations;

namespace SseSim.Kms.Tests.Lifecycle;

/// <summary>
/// responseElements as the KMS developer guide's CloudTrail examples (ct-*.html) show them, and the service events KMS
/// writes on its own (ct-delete-key, ct-rotatekey).
/// </summary>
public sealed class AuditResponseElementsTests
{
    private static async Task<JsonElement> LastEventAsync(LifecycleKit kit, string eventName)
    {
        await kit.Kms.Audit.FlushAsync();
        var e = kit.Kms.Audit.Recent().First(x => x.EventName == eventName);
        using var doc = JsonDocument.Parse(e.Json);
        return doc.RootElement.Clone();
    }

    private static async Task<JsonElement> ResponseElementsAsync(LifecycleKit kit, string eventName) =>
        (await LastEventAsync(kit, eventName)).GetProperty("responseElements");

    private static string[] Names(JsonElement o) => [.. o.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public async Task CreateKey_logs_the_key_metadata_in_camelCase_with_the_log_date_format()
    {
        await using var kit = new LifecycleKit();
        kit.Time.Advance(TimeSpan.FromHours(22.5));
        var key = await kit.CreateKeyAsync();

        var metadata = (await ResponseElementsAsync(kit, "CreateKey")).GetProperty("keyMetadata");
        Assert.Equal(["AWSAccountId", "keyId", "arn", "creationDate", "enabled", "description", "keyUsage", "keyState", "origin",
            "keyManager", "customerMasterKeySpec", "keySpec", "encryptionAlgorithms", "multiRegion"], Names(metadata));
        Assert.Equal("111122223333", metadata.GetProperty("AWSAccountId").GetString());
        Assert.Equal(key.KeyId, metadata.GetProperty("keyId").GetString());
        Assert.Equal(key.Arn, metadata.GetProperty("arn").GetString());
        Assert.Equal("Jan 1, 2026, 10:30:00 PM", metadata.GetProperty("creationDate").GetString());
        Assert.True(metadata.GetProperty("enabled").GetBoolean());
        Assert.Equal("", metadata.GetProperty("description").GetString());
        Assert.Equal("SYMMETRIC_DEFAULT", metadata.GetProperty("encryptionAlgorithms")[0].GetString());
        Assert.False(metadata.GetProperty("multiRegion").GetBoolean());

        await kit.CreateKeyAsync("HMAC_256", "GENERATE_VERIFY_MAC");
        metadata = (await ResponseElementsAsync(kit, "CreateKey")).GetProperty("keyMetadata");
        Assert.Equal("HMAC_SHA_256", metadata.GetProperty("macAlgorithms")[0].GetString());
        Assert.False(metadata.TryGetProperty("encryptionAlgorithms", out _));
    }

    [Fact]
    public async Task Key_management_calls_that_return_nothing_log_the_key_arn()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        var other = await kit.CreateKeyAsync();
        await kit.Call("DisableKey", new DisableKeyRequest { KeyId = key.KeyId }, DisableKey.ExecuteAsync);
        await kit.Call("EnableKey", new EnableKeyRequest { KeyId = key.KeyId }, EnableKey.ExecuteAsync);
        await kit.Call("EnableKeyRotation", new EnableKeyRotationRequest { KeyId = key.KeyId }, EnableKeyRotation.ExecuteAsync);
        await kit.Call("CreateAlias", new CreateAliasRequest { AliasName = "alias/audited", TargetKeyId = key.KeyId }, CreateAlias.ExecuteAsync);
        await kit.Call("UpdateAlias", new UpdateAliasRequest { AliasName = "alias/audited", TargetKeyId = other.KeyId }, UpdateAlias.ExecuteAsync);
        await kit.Call("DeleteAlias", new DeleteAliasRequest { AliasName = "alias/audited" }, DeleteAlias.ExecuteAsync);

        foreach (var name in new[] { "DisableKey", "EnableKey", "EnableKeyRotation", "CreateAlias" })
        {
            var elements = await ResponseElementsAsync(kit, name);
            Assert.Equal(["keyId"], Names(elements));
            Assert.Equal(key.Arn, elements.GetProperty("keyId").GetString());
        }
        // UpdateAlias logs the alias's new target; DeleteAlias the key it pointed to.
        Assert.Equal(other.Arn, (await ResponseElementsAsync(kit, "UpdateAlias")).GetProperty("keyId").GetString());
        Assert.Equal(other.Arn, (await ResponseElementsAsync(kit, "DeleteAlias")).GetProperty("keyId").GetString());

        await kit.Call("DisableKeyRotation", new DisableKeyRotationRequest { KeyId = key.KeyId }, DisableKeyRotation.ExecuteAsync);
        Assert.Equal(JsonValueKind.Null, (await ResponseElementsAsync(kit, "DisableKeyRotation")).ValueKind);
    }

    [Fact]
    public async Task Deletion_grant_and_rotation_calls_log_what_they_answered()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        var grant = await kit.Call("CreateGrant", new CreateGrantRequest
        {
            KeyId = key.KeyId,
            GranteePrincipal = "arn:aws:iam::111122223333:user/bob",
            Operations = ["Decrypt"],
        }, CreateGrant.ExecuteAsync);
        var elements = await ResponseElementsAsync(kit, "CreateGrant");
        Assert.Equal(["grantId", "keyId"], Names(elements));
        Assert.Equal(grant.GrantId, elements.GetProperty("grantId").GetString());
        Assert.Equal(key.Arn, elements.GetProperty("keyId").GetString());
        Assert.DoesNotContain(grant.GrantToken, (await LastEventAsync(kit, "CreateGrant")).GetRawText());

        // Retired by its token: no request parameters (the token is never logged), the grant named in additionalEventData.
        await kit.Call("RetireGrant", new RetireGrantRequest { GrantToken = grant.GrantToken }, RetireGrant.ExecuteAsync);
        var retired = await LastEventAsync(kit, "RetireGrant");
        Assert.Equal(JsonValueKind.Null, retired.GetProperty("requestParameters").ValueKind);
        Assert.Equal(JsonValueKind.Null, retired.GetProperty("responseElements").ValueKind);
        Assert.Equal(grant.GrantId, retired.GetProperty("additionalEventData").GetProperty("grantId").GetString());

        await kit.Call("RotateKeyOnDemand", new RotateKeyOnDemandRequest { KeyId = key.KeyId }, RotateKeyOnDemand.ExecuteAsync);
        Assert.Equal(key.Arn, (await ResponseElementsAsync(kit, "RotateKeyOnDemand")).GetProperty("keyId").GetString());

        await kit.Call("ScheduleKeyDeletion", new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 7 }, ScheduleKeyDeletion.ExecuteAsync);
        elements = await ResponseElementsAsync(kit, "ScheduleKeyDeletion");
        Assert.Equal(["keyId", "keyState", "deletionDate"], Names(elements));
        Assert.Equal(key.Arn, elements.GetProperty("keyId").GetString());
        Assert.Equal("PendingDeletion", elements.GetProperty("keyState").GetString());
        Assert.Equal("Jan 8, 2026, 12:00:00 AM", elements.GetProperty("deletionDate").GetString());

        await kit.Call("CancelKeyDeletion", new CancelKeyDeletionRequest { KeyId = key.KeyId }, CancelKeyDeletion.ExecuteAsync);
        Assert.Equal(key.Arn, (await ResponseElementsAsync(kit, "CancelKeyDeletion")).GetProperty("keyId").GetString());
    }

    [Fact]
    public async Task Cryptographic_reads_and_failures_log_null()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        await kit.Call("GenerateDataKey", new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = "AES_256" }, GenerateDataKey.ExecuteAsync);
        await kit.DescribeAsync(key.KeyId);
        Assert.Equal(JsonValueKind.Null, (await ResponseElementsAsync(kit, "GenerateDataKey")).ValueKind);
        Assert.Equal(JsonValueKind.Null, (await ResponseElementsAsync(kit, "DescribeKey")).ValueKind);

        await LifecycleKit.Fails(() => kit.Call("EnableKey", new EnableKeyRequest { KeyId = Guid.NewGuid().ToString() }, EnableKey.ExecuteAsync));
        var failed = await LastEventAsync(kit, "EnableKey");
        Assert.Equal("NotFoundException", failed.GetProperty("errorCode").GetString());
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("responseElements").ValueKind);
    }

    [Fact]
    public async Task Cryptographic_calls_name_the_key_material_they_used_in_additionalEventData()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        var other = await kit.CreateKeyAsync();
        var sealedBefore = await kit.Call("Encrypt", new EncryptRequest { KeyId = key.KeyId, Plaintext = [1, 2, 3] }, Encrypt.ExecuteAsync);
        var original = key.CurrentKeyMaterialId!;
        Assert.Equal(original, (await LastEventAsync(kit, "Encrypt")).GetProperty("additionalEventData").GetProperty("keyMaterialId").GetString());

        await kit.Call("RotateKeyOnDemand", new RotateKeyOnDemandRequest { KeyId = key.KeyId }, RotateKeyOnDemand.ExecuteAsync);
        var rotated = (await kit.DescribeAsync(key.KeyId)).CurrentKeyMaterialId!;
        Assert.NotEqual(original, rotated);
        await kit.Call("GenerateDataKey", new GenerateDataKeyRequest { KeyId = key.KeyId, KeySpec = "AES_256" }, GenerateDataKey.ExecuteAsync);
        var e = await LastEventAsync(kit, "GenerateDataKey");
        Assert.Equal(["keyMaterialId"], Names(e.GetProperty("additionalEventData")));
        Assert.Equal(rotated, e.GetProperty("additionalEventData").GetProperty("keyMaterialId").GetString());

        // Decrypt names the material the ciphertext was sealed with, not the key's current one.
        await kit.Call("Decrypt", new DecryptRequest { CiphertextBlob = sealedBefore.CiphertextBlob }, Decrypt.ExecuteAsync);
        Assert.Equal(original, (await LastEventAsync(kit, "Decrypt")).GetProperty("additionalEventData").GetProperty("keyMaterialId").GetString());

        await kit.Call("ReEncrypt", new ReEncryptRequest { CiphertextBlob = sealedBefore.CiphertextBlob, DestinationKeyId = other.KeyId }, ReEncrypt.ExecuteAsync);
        var moved = (await LastEventAsync(kit, "ReEncrypt")).GetProperty("additionalEventData");
        Assert.Equal(["destinationKeyMaterialId", "sourceKeyMaterialId"], Names(moved));
        Assert.Equal(original, moved.GetProperty("sourceKeyMaterialId").GetString());
        Assert.Equal(other.CurrentKeyMaterialId, moved.GetProperty("destinationKeyMaterialId").GetString());

        // Neither management calls nor failures carry it.
        Assert.False((await LastEventAsync(kit, "RotateKeyOnDemand")).TryGetProperty("additionalEventData", out _));
        await LifecycleKit.Fails(() => kit.Call("Decrypt", new DecryptRequest { CiphertextBlob = [.. sealedBefore.CiphertextBlob.Take(20)] }, Decrypt.ExecuteAsync));
        Assert.False((await LastEventAsync(kit, "Decrypt")).TryGetProperty("additionalEventData", out _));
    }

    [Fact]
    public async Task A_key_deleted_at_the_end_of_its_window_leaves_a_DeleteKey_service_event_that_survives_restart()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        await kit.Call("ScheduleKeyDeletion", new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 7 }, ScheduleKeyDeletion.ExecuteAsync);
        kit.Time.Advance(TimeSpan.FromDays(7).Add(TimeSpan.FromSeconds(1)));
        await kit.Call("ListKeys", new ListKeysRequest(), ListKeys.ExecuteAsync);

        var e = await LastEventAsync(kit, "DeleteKey");
        Assert.Equal("AwsServiceEvent", e.GetProperty("eventType").GetString());
        Assert.Equal(["accountId", "invokedBy"], Names(e.GetProperty("userIdentity")));
        Assert.Equal("AWS Internal", e.GetProperty("userIdentity").GetProperty("invokedBy").GetString());
        Assert.Equal("AWS Internal", e.GetProperty("sourceIPAddress").GetString());
        Assert.Equal(JsonValueKind.Null, e.GetProperty("requestParameters").ValueKind);
        Assert.Equal(key.Arn, e.GetProperty("responseElements").GetProperty("keyId").GetString());
        Assert.False(e.GetProperty("readOnly").GetBoolean());
        Assert.False(e.TryGetProperty("requestID", out _));
        Assert.Equal(key.Arn, e.GetProperty("resources")[0].GetProperty("ARN").GetString());
        Assert.Equal("111122223333", e.GetProperty("recipientAccountId").GetString());
        Assert.Equal("Management", e.GetProperty("eventCategory").GetString());
        Assert.Equal("2026-01-08T00:00:01Z", e.GetProperty("eventTime").GetString());

        await kit.Kms.DisposeAsync();
        await using var reopened = kit.Open();
        var (found, _) = reopened.Audit.LookupEvents(new LookupAttribute("EventName", "DeleteKey"), null, null);
        Assert.Equal(key.Arn, Assert.Single(found).ResourceArns.Single());
    }

    [Fact]
    public async Task Automatic_rotation_leaves_a_RotateKey_service_event_naming_both_key_materials()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        await kit.Call("EnableKeyRotation", new EnableKeyRotationRequest { KeyId = key.KeyId, RotationPeriodInDays = 90 }, EnableKeyRotation.ExecuteAsync);
        kit.Time.Advance(TimeSpan.FromDays(91));
        var rotations = await kit.Call("ListKeyRotations", new ListKeyRotationsRequest { KeyId = key.KeyId }, ListKeyRotations.ExecuteAsync);

        var e = await LastEventAsync(kit, "RotateKey");
        Assert.Equal("AwsServiceEvent", e.GetProperty("eventType").GetString());
        Assert.Equal(JsonValueKind.Null, e.GetProperty("responseElements").ValueKind);
        var details = e.GetProperty("serviceEventDetails");
        Assert.Equal("AUTOMATIC", details.GetProperty("rotationType").GetString());
        Assert.Equal("AWS_KMS", details.GetProperty("keyOrigin").GetString());
        Assert.Equal(key.CurrentKeyMaterialId, details.GetProperty("previousKeyMaterialId").GetString());
        Assert.Equal(Assert.Single(rotations.Rotations).KeyMaterialId, details.GetProperty("currentKeyMaterialId").GetString());
        Assert.Equal(key.Arn, e.GetProperty("resources")[0].GetProperty("ARN").GetString());
    }
}
