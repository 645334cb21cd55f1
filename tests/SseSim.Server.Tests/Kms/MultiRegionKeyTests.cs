using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.Kms;

/// <summary>
/// Multi-Region keys through real boto3 clients signing for two Regions against one server (us-east-1): each copy is
/// Regional, as in AWS, and an mrk- id resolves to the copy of the Region the request was signed for.
/// </summary>
public sealed class MultiRegionKeyTests : IAsyncLifetime
{
    private readonly ServerFixture _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Create_replicate_use_across_Regions_rotate_move_the_primary_and_delete_with_boto3()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await _server.RunPythonAsync("""
import json, os, boto3
from botocore.exceptions import ClientError
def client(service, region):
    return boto3.client(service, endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name=region)
east, west = client("kms", "us-east-1"), client("kms", "us-west-2")
def fails(call, **kw):
    try:
        call(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    raise AssertionError("no error")

key = east.create_key(MultiRegion=True, Description="primary")["KeyMetadata"]
kid, east_arn = key["KeyId"], key["Arn"]
west_arn = east_arn.replace(":us-east-1:", ":us-west-2:")
assert kid.startswith("mrk-") and len(kid) == 36, kid
assert key["MultiRegion"] is True and key["MultiRegionConfiguration"] == {
    "MultiRegionKeyType": "PRIMARY", "PrimaryKey": {"Arn": east_arn, "Region": "us-east-1"}, "ReplicaKeys": []}, key
assert fails(west.describe_key, KeyId=kid) == ("NotFoundException", f"Key '{west_arn}' does not exist")
assert fails(west.describe_key, KeyId=east_arn)[0] == "NotFoundException"
assert kid not in [k["KeyId"] for k in west.list_keys()["Keys"]]

rep = east.replicate_key(KeyId=kid, ReplicaRegion="us-west-2", Description="replica", Tags=[{"TagKey": "side", "TagValue": "west"}])
assert rep["ReplicaKeyMetadata"]["Arn"] == west_arn and rep["ReplicaKeyMetadata"]["KeyState"] == "Creating", rep
assert rep["ReplicaTags"] == [{"TagKey": "side", "TagValue": "west"}] and json.loads(rep["ReplicaPolicy"])["Statement"], rep
assert fails(east.replicate_key, KeyId=kid, ReplicaRegion="us-west-2")[0] == "AlreadyExistsException"
assert fails(west.replicate_key, KeyId=kid, ReplicaRegion="eu-west-1") == ("UnsupportedOperationException", f"{west_arn} is not a multi-Region primary key.")

e, w = east.describe_key(KeyId=kid)["KeyMetadata"], west.describe_key(KeyId=kid)["KeyMetadata"]
assert (e["Description"], w["Description"], w["KeyState"]) == ("primary", "replica", "Enabled"), (e, w)
for m, kind in ((e, "PRIMARY"), (w, "REPLICA")):
    assert m["MultiRegionConfiguration"] == {"MultiRegionKeyType": kind, "PrimaryKey": {"Arn": east_arn, "Region": "us-east-1"},
                                             "ReplicaKeys": [{"Arn": west_arn, "Region": "us-west-2"}]}, m
assert west.describe_key(KeyId=west_arn)["KeyMetadata"]["Arn"] == west_arn
assert kid in [k["KeyId"] for k in west.list_keys()["Keys"]]

ctx = {"app": "mrk"}
c_east = east.encrypt(KeyId=kid, Plaintext=b"east", EncryptionContext=ctx)["CiphertextBlob"]
c_west = west.encrypt(KeyId=kid, Plaintext=b"west", EncryptionContext=ctx)["CiphertextBlob"]
d = west.decrypt(CiphertextBlob=c_east, EncryptionContext=ctx)
assert (d["Plaintext"], d["KeyId"]) == (b"east", west_arn), d
assert east.decrypt(CiphertextBlob=c_west, EncryptionContext=ctx, KeyId=east_arn)["Plaintext"] == b"west"

east.rotate_key_on_demand(KeyId=kid)
assert fails(west.rotate_key_on_demand, KeyId=kid)[0] == "UnsupportedOperationException"
c_new = east.encrypt(KeyId=kid, Plaintext=b"rotated", EncryptionContext=ctx)["CiphertextBlob"]
assert west.decrypt(CiphertextBlob=c_east, EncryptionContext=ctx)["Plaintext"] == b"east"
assert west.decrypt(CiphertextBlob=c_new, EncryptionContext=ctx)["Plaintext"] == b"rotated"
assert east.describe_key(KeyId=kid)["KeyMetadata"]["CurrentKeyMaterialId"] == west.describe_key(KeyId=kid)["KeyMetadata"]["CurrentKeyMaterialId"]
assert [r["RotationType"] for r in west.list_key_rotations(KeyId=kid)["Rotations"]] == ["ON_DEMAND"]

east.update_primary_region(KeyId=kid, PrimaryRegion="us-west-2")
for c, kind in ((east, "REPLICA"), (west, "PRIMARY")):
    cfg = c.describe_key(KeyId=kid)["KeyMetadata"]["MultiRegionConfiguration"]
    assert cfg == {"MultiRegionKeyType": kind, "PrimaryKey": {"Arn": west_arn, "Region": "us-west-2"},
                   "ReplicaKeys": [{"Arn": east_arn, "Region": "us-east-1"}]}, cfg

# The primary (now us-west-2) outlives its replica: PendingReplicaDeletion, no DeletionDate until the replica is gone.
s = west.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
assert s["KeyState"] == "PendingReplicaDeletion" and "DeletionDate" not in s and s["PendingWindowInDays"] == 7, s
m = west.describe_key(KeyId=kid)["KeyMetadata"]
assert m["KeyState"] == "PendingReplicaDeletion" and m["PendingDeletionWindowInDays"] == 7 and "DeletionDate" not in m, m
s = east.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
assert s["KeyState"] == "PendingDeletion" and "DeletionDate" in s, s
assert east.cancel_key_deletion(KeyId=kid)["KeyId"] == east_arn
assert east.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"] == "Disabled"

# Each call's CloudTrail event names the Region its request was signed for.
ct = client("cloudtrail", "us-east-1")
regions = {}
for name in ("ReplicateKey", "UpdatePrimaryRegion", "RotateKeyOnDemand", "ScheduleKeyDeletion"):
    for ev in ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": name}])["Events"]:
        detail = json.loads(ev["CloudTrailEvent"])
        regions.setdefault(name, set()).add(detail["awsRegion"])
# (ReplicateKey in us-west-2 is the refused call on the replica.)
assert regions == {"ReplicateKey": {"us-east-1", "us-west-2"}, "UpdatePrimaryRegion": {"us-east-1"}, "RotateKeyOnDemand": {"us-east-1", "us-west-2"},
                   "ScheduleKeyDeletion": {"us-east-1", "us-west-2"}}, regions
print(kid)
""");

        // Every copy, with its own state, survives a restart.
        await _server.RestartAsync();
        await _server.RunPythonAsync("""
import os, boto3
def client(region):
    return boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name=region)
east, west = client("us-east-1"), client("us-west-2")
keys = [k["KeyId"] for k in west.list_keys()["Keys"] if k["KeyId"].startswith("mrk-")]
assert len(keys) == 1, keys
e, w = east.describe_key(KeyId=keys[0])["KeyMetadata"], west.describe_key(KeyId=keys[0])["KeyMetadata"]
assert (e["KeyState"], e["MultiRegionConfiguration"]["MultiRegionKeyType"]) == ("Disabled", "REPLICA"), e
assert (w["KeyState"], w["MultiRegionConfiguration"]["MultiRegionKeyType"]) == ("PendingReplicaDeletion", "PRIMARY"), w
""");
    }

    [Fact]
    public async Task S3_SSE_KMS_with_a_multi_Region_key_of_the_servers_Region()
    {
        var r = await _server.RunBoto3Async("""
            kms = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
            key = kms.create_key(MultiRegion=True)["KeyMetadata"]
            kms.replicate_key(KeyId=key["KeyId"], ReplicaRegion="eu-west-1")
            data = os.urandom(70000)
            put = s3.put_object(Bucket=bucket, Key="m", Body=data, ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"])
            got = s3.get_object(Bucket=bucket, Key="m")
            out["arn"] = key["Arn"]
            out["put"] = [put["ServerSideEncryption"], put["SSEKMSKeyId"]]
            out["get"] = [got["SSEKMSKeyId"], got["Body"].read() == data]
            """);
        if (r is not { } result)
        {
            return;
        }
        var arn = result.GetProperty("arn").GetString()!;
        Assert.StartsWith("arn:aws:kms:us-east-1:", arn, StringComparison.Ordinal);
        Assert.Contains(":key/mrk-", arn, StringComparison.Ordinal);
        Assert.Equal("aws:kms", result.GetProperty("put")[0].GetString());
        Assert.Equal(arn, result.GetProperty("put")[1].GetString());
        Assert.Equal(arn, result.GetProperty("get")[0].GetString());
        Assert.True(result.GetProperty("get")[1].GetBoolean());
    }
}
