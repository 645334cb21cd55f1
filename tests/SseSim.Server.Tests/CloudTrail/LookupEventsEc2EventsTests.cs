using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.CloudTrail;

/// <summary>
/// Every EC2 call is a CloudTrail management event (eventSource ec2.amazonaws.com), Describe* read-only, found in
/// LookupEvents by the volume's and snapshot's ids; failures carry EC2's Client.-prefixed error code.
/// </summary>
public sealed class LookupEventsEc2EventsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task CreateVolume_CreateSnapshot_and_DescribeVolumes_are_found_by_the_volume_and_snapshot_ids()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync("""
import os, json, boto3
from botocore.config import Config
from botocore.exceptions import ClientError
cfg = Config(retries={"max_attempts": 1})
ec2 = boto3.client("ec2", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=cfg)
ct = boto3.client("cloudtrail", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=cfg)

def lookup(key, value):
    return ct.lookup_events(LookupAttributes=[{"AttributeKey": key, "AttributeValue": value}])["Events"]

vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=2, VolumeType="gp3", Encrypted=True)["VolumeId"]
snap = ec2.create_snapshot(VolumeId=vol, Description="trail")["SnapshotId"]
ec2.describe_volumes(VolumeIds=[vol])
try:
    ec2.delete_volume(VolumeId="vol-0123456789abcdef0")
    raise AssertionError("deleted a volume that does not exist")
except ClientError as e:
    assert e.response["Error"]["Code"] == "InvalidVolume.NotFound", e.response

by_volume = lookup("ResourceName", vol)
assert [e["EventName"] for e in by_volume] == ["DescribeVolumes", "CreateSnapshot", "CreateVolume"], by_volume
for e in by_volume:
    assert e["EventSource"] == "ec2.amazonaws.com", e
    assert {"ResourceType": "AWS::EC2::Volume", "ResourceName": vol} in e["Resources"], e["Resources"]
describe, create_snapshot, create_volume = by_volume
assert describe["ReadOnly"] == "true" and create_volume["ReadOnly"] == "false" and create_snapshot["ReadOnly"] == "false"

created = json.loads(create_volume["CloudTrailEvent"])
assert created["eventCategory"] == "Management" and created["managementEvent"] is True, created
# The KMS developer guide's CreateVolume entry: "zone", the size as a string, createTime in epoch milliseconds.
assert created["requestParameters"].pop("clientToken"), created  # boto3 fills in the idempotency token
assert created["requestParameters"] == {"size": "2", "zone": "us-east-1a", "volumeType": "gp3", "encrypted": True}, created["requestParameters"]
response = created["responseElements"]
assert response["volumeId"] == vol and response["encrypted"] is True and response["zone"] == "us-east-1a", response
assert response["size"] == "2" and response["status"] == "creating" and type(response["iops"]) is int, response
assert type(response["createTime"]) is int and response["createTime"] > 1_600_000_000_000, response
assert "availabilityZone" not in response, response
# AWS's EC2 events have no resources member; LookupEvents still names the volume (above).
assert "resources" not in created, created
assert created["responseElements"]["requestId"] == created["requestID"], created
assert "errorCode" not in created, created

# Describe calls log their request, not their answer.
described = json.loads(describe["CloudTrailEvent"])
assert described["requestParameters"]["volumeSet"] == {"items": [{"volumeId": vol}]}, described["requestParameters"]
assert described["responseElements"] is None, described

# The snapshot's id finds CreateSnapshot, whose answer names it.
by_snapshot = lookup("ResourceName", snap)
assert [e["EventName"] for e in by_snapshot] == ["CreateSnapshot"], by_snapshot
assert {"ResourceType": "AWS::EC2::Snapshot", "ResourceName": snap} in by_snapshot[0]["Resources"]
assert json.loads(by_snapshot[0]["CloudTrailEvent"])["responseElements"]["snapshotId"] == snap

# A failure is in the history with EC2's error code.
deletes = [json.loads(e["CloudTrailEvent"]) for e in lookup("EventName", "DeleteVolume")]
failed = [d for d in deletes if d["requestParameters"].get("volumeId") == "vol-0123456789abcdef0"]
assert len(failed) == 1 and failed[0]["errorCode"] == "Client.InvalidVolume.NotFound", deletes
assert failed[0]["responseElements"] is None, failed

# EventSource and ResourceType reach them too.
assert any(e["EventName"] == "CreateVolume" and e["Resources"][0]["ResourceName"] == vol for e in lookup("EventSource", "ec2.amazonaws.com"))
assert any(e["EventName"] == "CreateSnapshot" for e in lookup("ResourceType", "AWS::EC2::Snapshot"))
""");
    }
    /// <summary>
    /// The EBS-related calls log AWS's per-operation shapes, from AWS's recorded events: AttachVolume's
    /// deleteOnTermination and attachTime in epoch milliseconds, RunInstances' instancesSet and blockDeviceMapping,
    /// TerminateInstances' state codes as numbers, DescribeVolumes' empty sets, DeleteVolume's "_return".
    /// </summary>
    [Fact]
    public async Task Ebs_related_calls_log_AWS_shapes_and_are_found_by_their_ids()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync("""
import os, json, boto3
from botocore.config import Config
cfg = Config(retries={"max_attempts": 1})
ec2 = boto3.client("ec2", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=cfg)
ct = boto3.client("cloudtrail", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=cfg)

def event(name, id):
    found = [json.loads(e["CloudTrailEvent"]) for e in ct.lookup_events(
        LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": id}])["Events"] if e["EventName"] == name]
    assert len(found) == 1, (name, id, found)
    assert "resources" not in found[0], found[0]
    return found[0]

run = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, InstanceType="t3.micro",
    TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "trail"}]}])
inst = run["Instances"][0]["InstanceId"]
vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
ec2.get_waiter("volume_available").wait(VolumeIds=[vol])
ec2.attach_volume(VolumeId=vol, InstanceId=inst, Device="/dev/sdf")
ec2.describe_volumes()
ec2.detach_volume(VolumeId=vol)
ec2.get_waiter("volume_available").wait(VolumeIds=[vol])
snap = ec2.create_snapshot(VolumeId=vol, Description="2024")["SnapshotId"]
ec2.delete_volume(VolumeId=vol)
ec2.terminate_instances(InstanceIds=[inst])

ran = event("RunInstances", inst)
req = ran["requestParameters"]
assert req["instancesSet"] == {"items": [{"imageId": "ami-12345678", "minCount": 1, "maxCount": 1}]}, req
assert req["instanceType"] == "t3.micro" and req["blockDeviceMapping"] == {}, req
assert req["tagSpecificationSet"] == {"items": [{"resourceType": "instance", "tags": [{"key": "Name", "value": "trail"}]}]}, req
item = ran["responseElements"]["instancesSet"]["items"][0]
assert item["instanceId"] == inst and item["instanceState"] == {"code": 0, "name": "pending"}, item
assert type(item["launchTime"]) is int, item

attached = event("AttachVolume", vol)
assert attached["requestParameters"] == {"volumeId": vol, "instanceId": inst, "device": "/dev/sdf", "deleteOnTermination": False}, attached
resp = attached["responseElements"]
assert resp["requestId"] == attached["requestID"] and resp["volumeId"] == vol and resp["instanceId"] == inst, resp
assert resp["device"] == "/dev/sdf" and resp["status"] == "attaching" and resp["deleteOnTermination"] is False, resp
assert type(resp["attachTime"]) is int and resp["attachTime"] > 1_600_000_000_000, resp
# The instance's id finds the attachment too.
assert event("AttachVolume", inst)["eventID"] == attached["eventID"]

# Only numeric members are numbers: a description of digits stays a string; startTime is in epoch milliseconds.
snapped = event("CreateSnapshot", snap)
assert snapped["requestParameters"] == {"volumeId": vol, "description": "2024"}, snapped
resp = snapped["responseElements"]
assert resp["description"] == "2024" and resp["volumeSize"] == 1 and type(resp["startTime"]) is int, resp
assert resp["ownerId"] == snapped["recipientAccountId"], resp

deleted = event("DeleteVolume", vol)
assert deleted["requestParameters"] == {"volumeId": vol} and deleted["responseElements"]["_return"] is True, deleted

terminated = event("TerminateInstances", inst)
assert terminated["requestParameters"] == {"instancesSet": {"items": [{"instanceId": inst}]}}, terminated
state = terminated["responseElements"]["instancesSet"]["items"][0]
assert state["instanceId"] == inst and type(state["currentState"]["code"]) is int and type(state["previousState"]["code"]) is int, state

described = [json.loads(e["CloudTrailEvent"]) for e in ct.lookup_events(
    LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "DescribeVolumes"}])["Events"]]
assert any(d["requestParameters"] == {"volumeSet": {}, "filterSet": {}} for d in described), described
""");
    }
}
