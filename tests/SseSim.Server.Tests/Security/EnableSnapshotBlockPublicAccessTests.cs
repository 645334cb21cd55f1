using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.Security;

/// <summary>
/// Block public access for snapshots with boto3 (Enable/Disable/GetSnapshotBlockPublicAccessState): block-new-sharing
/// refuses new public sharing only; block-all-sharing also hides the snapshots already public from other accounts, while
/// their permission stays and shows again once unblocked.
/// </summary>
public sealed class EnableSnapshotBlockPublicAccessTests : TwoAccountServerTests
{
    [Fact]
    public async Task Blocking_refuses_new_public_sharing_and_block_all_hides_public_snapshots()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        var output = await Server.RunPythonAsync(Script);
        Assert.Contains("BLOCK OK", output, StringComparison.Ordinal);
    }

    private const string Script = Boto3Prelude + """
alice, bob = client("ec2", "AKIAALICE", "alice-secret"), client("ec2", "AKIABOB", "bob-secret")
def snapshot():
    volume = alice.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    snap = alice.create_snapshot(VolumeId=volume)["SnapshotId"]
    alice.get_waiter("snapshot_completed").wait(SnapshotIds=[snap], WaiterConfig={"Delay": 1})
    return snap
def public(snap):
    return snap in [s["SnapshotId"] for s in bob.describe_snapshots(RestorableByUserIds=["all"])["Snapshots"]]

state = alice.get_snapshot_block_public_access_state()
assert (state["State"], state["ManagedBy"]) == ("unblocked", "account"), state
shared, later = snapshot(), snapshot()
alice.modify_snapshot_attribute(SnapshotId=shared, Attribute="createVolumePermission", OperationType="add", GroupNames=["all"])
assert public(shared)

assert alice.enable_snapshot_block_public_access(State="block-new-sharing")["State"] == "block-new-sharing"
assert alice.get_snapshot_block_public_access_state()["State"] == "block-new-sharing"
assert public(shared)
assert code(alice.modify_snapshot_attribute, SnapshotId=later, Attribute="createVolumePermission", OperationType="add", GroupNames=["all"]) == "OperationNotPermitted"
# Sharing with an account is not public sharing.
alice.modify_snapshot_attribute(SnapshotId=later, Attribute="createVolumePermission", OperationType="add", UserIds=["444455556666"])

alice.enable_snapshot_block_public_access(State="block-all-sharing")
assert not public(shared)
assert code(bob.describe_snapshots, SnapshotIds=[shared]) == "InvalidSnapshot.NotFound"
assert code(bob.create_volume, AvailabilityZone="us-east-1a", SnapshotId=shared) == "InvalidSnapshot.NotFound"
perms = alice.describe_snapshot_attribute(SnapshotId=shared, Attribute="createVolumePermission")["CreateVolumePermissions"]
assert perms == [{"Group": "all"}], perms
assert later in [s["SnapshotId"] for s in bob.describe_snapshots(RestorableByUserIds=["self"])["Snapshots"]]
assert code(alice.enable_snapshot_block_public_access, State="block-everything") == "InvalidParameterValue"

assert alice.disable_snapshot_block_public_access()["State"] == "unblocked"
assert public(shared)
assert bob.create_volume(AvailabilityZone="us-east-1a", SnapshotId=shared)["State"] == "creating"
print("BLOCK OK")
""";
}
