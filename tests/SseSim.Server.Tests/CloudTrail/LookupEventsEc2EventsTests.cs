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
assert created["requestParameters"]["size"] == 2 and created["requestParameters"]["encrypted"] is True, created["requestParameters"]
assert created["requestParameters"]["volumeType"] == "gp3", created["requestParameters"]
assert created["responseElements"]["volumeId"] == vol and created["responseElements"]["encrypted"] is True, created["responseElements"]
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
}
