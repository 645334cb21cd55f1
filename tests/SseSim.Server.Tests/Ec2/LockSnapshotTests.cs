using System.Text.Json;
using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.Ec2;

/// <summary>
/// Snapshot lock over the EC2 Query API with boto3 and the aws CLI: the wire members of LockSnapshot and
/// DescribeLockedSnapshots (botocore's model), the lock-state filter, and DeleteSnapshot refused while locked.
/// </summary>
public sealed class LockSnapshotTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Boto3_locks_describes_and_unlocks_and_delete_waits_for_the_unlock()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync("""
import os, datetime, boto3
from botocore.exceptions import ClientError
ec2 = boto3.client("ec2", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, Encrypted=True)["VolumeId"]
snaps = []
for _ in range(2):
    s = ec2.create_snapshot(VolumeId=vol)["SnapshotId"]
    ec2.get_waiter("snapshot_completed").wait(SnapshotIds=[s], WaiterConfig={"Delay": 1})
    snaps.append(s)
gov, comp = snaps

locked = ec2.lock_snapshot(SnapshotId=gov, LockMode="governance", LockDuration=7)
assert locked["SnapshotId"] == gov and locked["LockState"] == "governance" and locked["LockDuration"] == 7, locked
assert locked["LockExpiresOn"] - locked["LockDurationStartTime"] == datetime.timedelta(days=7), locked
assert "CoolOffPeriod" not in locked, locked
until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)
c = ec2.lock_snapshot(SnapshotId=comp, LockMode="compliance", CoolOffPeriod=24, ExpirationDate=until)
assert c["LockState"] == "compliance-cooloff" and c["CoolOffPeriod"] == 24 and "LockDuration" not in c, c
assert abs((c["LockExpiresOn"] - until).total_seconds()) < 1, c

every = ec2.describe_locked_snapshots()["Snapshots"]
assert sorted(s["SnapshotId"] for s in every) == sorted(snaps), every
assert all(s["OwnerId"] == "000000000000" for s in every), every
cooling = ec2.describe_locked_snapshots(Filters=[{"Name": "lock-state", "Values": ["compliance-cooloff"]}])["Snapshots"]
assert [s["SnapshotId"] for s in cooling] == [comp], cooling

try:
    ec2.delete_snapshot(SnapshotId=gov)
    raise AssertionError("a locked snapshot was deleted")
except ClientError as e:
    assert e.response["Error"]["Code"] == "OperationNotPermitted", e.response
assert ec2.unlock_snapshot(SnapshotId=gov)["SnapshotId"] == gov
ec2.delete_snapshot(SnapshotId=gov)
# Within the cooling-off period a compliance lock can still be removed.
ec2.unlock_snapshot(SnapshotId=comp)
assert ec2.describe_locked_snapshots()["Snapshots"] == []
try:
    ec2.lock_snapshot(SnapshotId=comp, LockMode="governance", LockDuration=1, CoolOffPeriod=1)
    raise AssertionError("governance took a cooling-off period")
except ClientError as e:
    assert e.response["Error"]["Code"] == "InvalidParameterCombination", e.response
""");
    }

    [Fact]
    public async Task The_aws_cli_locks_a_snapshot()
    {
        Assert.True(AwsCli.Available, "the aws CLI must be installed");
        var work = Directory.CreateTempSubdirectory("ssesim-lock-").FullName;
        try
        {
            var volume = Json(await Aws(work, "ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "1")).GetProperty("VolumeId").GetString()!;
            var snapshot = Json(await Aws(work, "ec2", "create-snapshot", "--volume-id", volume)).GetProperty("SnapshotId").GetString()!;
            await Aws(work, "ec2", "wait", "snapshot-completed", "--snapshot-ids", snapshot);
            var locked = Json(await Aws(work, "ec2", "lock-snapshot", "--snapshot-id", snapshot, "--lock-mode", "governance", "--lock-duration", "365"));
            Assert.Equal("governance", locked.GetProperty("LockState").GetString());
            var described = Json(await Aws(work, "ec2", "describe-locked-snapshots", "--snapshot-ids", snapshot)).GetProperty("Snapshots")[0];
            Assert.Equal((snapshot, 365), (described.GetProperty("SnapshotId").GetString(), described.GetProperty("LockDuration").GetInt32()));
            var (code, _, stderr) = await AwsCli.RunAsync(server.Endpoint, work, "ec2", "delete-snapshot", "--snapshot-id", snapshot);
            Assert.NotEqual(0, code);
            Assert.Contains("OperationNotPermitted", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    private async Task<string> Aws(string work, params string[] args)
    {
        var (code, stdout, stderr) = await AwsCli.RunAsync(server.Endpoint, work, args);
        Assert.True(code == 0, $"aws {string.Join(' ', args)} failed ({code}): {stderr}");
        return stdout;
    }
}
