using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.Ec2;

/// <summary>Enable/Describe/DisableFastSnapshotRestores with boto3: the wire members, per-item failures and the delete refusal.</summary>
public sealed class FastSnapshotRestoresTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Boto3_enables_describes_and_disables_fast_snapshot_restore()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync("""
import os, time, boto3
from botocore.exceptions import ClientError
ec2 = boto3.client("ec2", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
snap = ec2.create_snapshot(VolumeId=vol)["SnapshotId"]
ec2.get_waiter("snapshot_completed").wait(SnapshotIds=[snap], WaiterConfig={"Delay": 1})

r = ec2.enable_fast_snapshot_restores(AvailabilityZones=["us-east-1a", "us-east-9z"], SourceSnapshotIds=[snap, "snap-0123456789abcdef0"])
ok = r["Successful"]
assert [(s["SnapshotId"], s["AvailabilityZone"], s["State"]) for s in ok] == [(snap, "us-east-1a", "enabling")], ok
assert ok[0]["OwnerId"] == "000000000000" and "EnablingTime" in ok[0], ok
errors = {(u["SnapshotId"], e["AvailabilityZone"], e["Error"]["Code"]) for u in r["Unsuccessful"] for e in u["FastSnapshotRestoreStateErrors"]}
assert (snap, "us-east-9z", "InvalidParameterValue") in errors and ("snap-0123456789abcdef0", "us-east-1a", "InvalidSnapshot.NotFound") in errors, errors

# 1 GiB optimizes in about 4 seconds (60 minutes per TiB).
deadline = time.time() + 30
while True:
    states = ec2.describe_fast_snapshot_restores(Filters=[{"Name": "snapshot-id", "Values": [snap]}])["FastSnapshotRestores"]
    assert len(states) == 1 and states[0]["State"] in ("optimizing", "enabled"), states
    if states[0]["State"] == "enabled":
        break
    assert time.time() < deadline, states
    time.sleep(0.5)
assert ec2.describe_fast_snapshot_restores(Filters=[{"Name": "state", "Values": ["disabled"]}])["FastSnapshotRestores"] == []
fast = ec2.create_volume(AvailabilityZone="us-east-1a", SnapshotId=snap)
assert fast.get("FastRestored") is True, fast

try:
    ec2.delete_snapshot(SnapshotId=snap)
    raise AssertionError("deleted")
except ClientError as e:
    assert e.response["Error"]["Code"] == "InvalidSnapshot.InUse", e.response
    assert "must be disabled within all Availability Zones" in e.response["Error"]["Message"], e.response
off = ec2.disable_fast_snapshot_restores(AvailabilityZones=["us-east-1a"], SourceSnapshotIds=[snap])["Successful"]
assert [s["State"] for s in off] == ["disabling"], off
assert ec2.describe_fast_snapshot_restores()["FastSnapshotRestores"] == []
ec2.delete_snapshot(SnapshotId=snap)
""");
    }
}
