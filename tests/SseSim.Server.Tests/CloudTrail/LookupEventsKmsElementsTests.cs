using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.CloudTrail;

/// <summary>
/// What boto3's LookupEvents hands back for KMS calls: CloudTrailEvent strings carrying the members the KMS developer
/// guide's ct-* examples show (responseElements, additionalEventData.keyMaterialId, requestParameters).
/// </summary>
public sealed class LookupEventsKmsElementsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task LookupEvents_returns_KMS_responseElements_and_additionalEventData_with_boto3()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync("""
import os, re, json, boto3
kms = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
ct = boto3.client("cloudtrail", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
meta = kms.create_key(Description="elements")["KeyMetadata"]
key_id, arn = meta["KeyId"], meta["Arn"]
kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext={"purpose": "test"})
kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)

found = ct.lookup_events(LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": arn}])["Events"]
events = {e["EventName"]: json.loads(e["CloudTrailEvent"]) for e in found}
assert set(events) == {"CreateKey", "GenerateDataKey", "ScheduleKeyDeletion"}, sorted(events)
assert all(e["eventVersion"] == "1.11" for e in events.values()), events

created = events["CreateKey"]["responseElements"]["keyMetadata"]
assert created["keyId"] == key_id and created["arn"] == arn and created["keyState"] == "Enabled", created
assert created["description"] == "elements" and created["keySpec"] == "SYMMETRIC_DEFAULT", created
assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M", created["creationDate"]), created

gdk = events["GenerateDataKey"]
assert gdk["responseElements"] is None, gdk
assert gdk["requestParameters"]["keySpec"] == "AES_256", gdk
assert gdk["requestParameters"]["encryptionContext"] == {"purpose": "test"}, gdk
assert re.fullmatch(r"[0-9a-f]{64}", gdk["additionalEventData"]["keyMaterialId"]), gdk
assert "plaintext" not in json.dumps(gdk).lower(), gdk

scheduled = events["ScheduleKeyDeletion"]["responseElements"]
assert scheduled["keyId"] == arn and scheduled["keyState"] == "PendingDeletion" and scheduled["deletionDate"], scheduled
""");
    }

    [Fact]
    public async Task Encrypt_Decrypt_and_ReEncrypt_events_name_the_default_algorithm_the_caller_left_out_with_boto3()
    {
        // The KMS developer guide: Decrypt's event always carries encryptionAlgorithm; its ct-encrypt and ct-reencrypt
        // examples (and services' events) carry encryptionAlgorithm and both ReEncrypt algorithms as SYMMETRIC_DEFAULT.
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync("""
import os, json, boto3
kms = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
ct = boto3.client("cloudtrail", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
arn = kms.create_key(Description="defaults")["KeyMetadata"]["Arn"]
blob = kms.encrypt(KeyId=arn, Plaintext=b"x")["CiphertextBlob"]
kms.decrypt(CiphertextBlob=blob)
kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=arn)

found = ct.lookup_events(LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": arn}])["Events"]
params = {e["EventName"]: json.loads(e["CloudTrailEvent"])["requestParameters"] for e in found}
assert params["Encrypt"] == {"keyId": arn, "encryptionAlgorithm": "SYMMETRIC_DEFAULT"}, params
assert params["Decrypt"]["encryptionAlgorithm"] == "SYMMETRIC_DEFAULT", params
re_enc = params["ReEncrypt"]
assert re_enc["sourceEncryptionAlgorithm"] == "SYMMETRIC_DEFAULT" and re_enc["destinationEncryptionAlgorithm"] == "SYMMETRIC_DEFAULT", re_enc
assert re_enc["destinationKeyId"] == arn, re_enc
""");
    }
}
