using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.CloudTrail;

/// <summary>
/// The EBS direct APIs in CloudTrail (EBS user guide, "Log API Calls for EBS direct APIs"): StartSnapshot and
/// CompleteSnapshot are management events (eventSource ebs.amazonaws.com) in the shape of the guide's log entries; the
/// block calls are data events and are not in the event history.
/// </summary>
public sealed class LookupEventsEbsDirectEventsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task StartSnapshot_and_CompleteSnapshot_are_management_events_and_block_calls_are_not_in_the_history()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync("""
import os, json, base64, hashlib, boto3
from botocore.config import Config
cfg = Config(retries={"max_attempts": 1})
ebs = boto3.client("ebs", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=cfg)
ct = boto3.client("cloudtrail", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=cfg)

def lookup(key, value):
    return ct.lookup_events(LookupAttributes=[{"AttributeKey": key, "AttributeValue": value}])["Events"]

started = ebs.start_snapshot(VolumeSize=1, Encrypted=True, ClientToken="trail-token")
snap = started["SnapshotId"]
block = b"\x01" * 524288
ebs.put_snapshot_block(SnapshotId=snap, BlockIndex=0, BlockData=block, DataLength=len(block),
    Checksum=base64.b64encode(hashlib.sha256(block).digest()).decode(), ChecksumAlgorithm="SHA256")
ebs.complete_snapshot(SnapshotId=snap, ChangedBlocksCount=1)
ebs.list_snapshot_blocks(SnapshotId=snap)

events = lookup("ResourceName", snap)
assert [e["EventName"] for e in events] == ["CompleteSnapshot", "StartSnapshot"], events
for e in events:
    assert e["EventSource"] == "ebs.amazonaws.com" and e["ReadOnly"] == "false", e
    assert e["Resources"] == [{"ResourceType": "AWS::EC2::Snapshot", "ResourceName": snap}], e["Resources"]
complete, start = (json.loads(e["CloudTrailEvent"]) for e in events)
# The EBS guide's entries have no resources member; LookupEvents names the snapshot all the same (above).
assert "resources" not in start and "resources" not in complete, (start, complete)
assert start["requestParameters"]["volumeSize"] == 1 and start["requestParameters"]["encrypted"] is True, start
assert start["requestParameters"]["clientToken"] == "trail-token", start
response = start["responseElements"]
assert response["snapshotId"] == snap and response["status"] == "pending" and response["volumeSize"] == 1, response
assert response["blockSize"] == 524288 and response["kmsKeyArn"] == "HIDDEN_DUE_TO_SECURITY_REASONS", response
assert response["ownerId"] == start["recipientAccountId"], response
assert complete["requestParameters"] == {"snapshotId": snap, "changedBlocksCount": 1}, complete
assert complete["responseElements"]["status"] in ("pending", "completed"), complete
assert start["managementEvent"] is True and start["eventCategory"] == "Management", start

# The block calls are data events: never in the history.
for name in ["PutSnapshotBlock", "ListSnapshotBlocks"]:
    assert lookup("EventName", name) == [], name
assert {e["EventName"] for e in lookup("EventSource", "ebs.amazonaws.com")} == {"StartSnapshot", "CompleteSnapshot"}
""");
    }
}
