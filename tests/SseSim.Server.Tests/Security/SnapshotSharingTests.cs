using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.Security;

/// <summary>
/// Sharing an encrypted snapshot across accounts with boto3, as the EBS guide describes it: Alice shares a snapshot
/// encrypted under her customer managed key with Bob (ModifySnapshotAttribute); Bob sees it but cannot copy it until
/// Alice's key policy lets him use the key; his copy is his own, under his own key, with Alice's data; encrypted
/// snapshots cannot be public and ones under aws/ebs cannot be shared at all.
/// </summary>
public sealed class SnapshotSharingTests : TwoAccountServerTests
{
    [Fact]
    public async Task An_encrypted_snapshot_is_shared_with_an_account_that_may_use_its_key()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        var output = await Server.RunPythonAsync(Script);
        Assert.Contains("SHARING OK", output, StringComparison.Ordinal);
    }

    private const string Script = Boto3Prelude + """
a_kms, a_ec2, a_ebs = (client(s, "AKIAALICE", "alice-secret") for s in ("kms", "ec2", "ebs"))
b_ec2, b_ebs = (client(s, "AKIABOB", "bob-secret") for s in ("ec2", "ebs"))
BOB = "444455556666"

key = a_kms.create_key(Description="alice's snapshot key")["KeyMetadata"]
data = os.urandom(512 * 1024)
snap = a_ebs.start_snapshot(VolumeSize=1, Encrypted=True, KmsKeyArn=key["Arn"], Timeout=60)["SnapshotId"]
a_ebs.put_snapshot_block(SnapshotId=snap, BlockIndex=2, BlockData=data, DataLength=len(data),
                         Checksum=base64.b64encode(hashlib.sha256(data).digest()).decode(), ChecksumAlgorithm="SHA256")
a_ebs.complete_snapshot(SnapshotId=snap, ChangedBlocksCount=1)

assert code(b_ec2.describe_snapshots, SnapshotIds=[snap]) == "InvalidSnapshot.NotFound"
assert code(b_ec2.describe_snapshot_attribute, SnapshotId=snap, Attribute="createVolumePermission") == "InvalidSnapshot.NotFound"
assert code(a_ec2.modify_snapshot_attribute, SnapshotId=snap, Attribute="createVolumePermission", OperationType="add", GroupNames=["all"]) == "InvalidParameter"
assert code(a_ec2.modify_snapshot_attribute, SnapshotId=snap, Attribute="createVolumePermission", OperationType="add", UserIds=["bob"]) == "InvalidUserID.Malformed"
a_ec2.modify_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission", OperationType="add", UserIds=[BOB])
perms = a_ec2.describe_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission")["CreateVolumePermissions"]
assert perms == [{"UserId": BOB}], perms

seen = b_ec2.describe_snapshots(SnapshotIds=[snap])["Snapshots"][0]
assert seen["OwnerId"] == "111122223333" and seen["Encrypted"] and seen["KmsKeyId"] == key["Arn"], seen
assert snap not in [s["SnapshotId"] for s in b_ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]]
assert snap in [s["SnapshotId"] for s in b_ec2.describe_snapshots(RestorableByUserIds=["self"])["Snapshots"]]
assert snap in [s["SnapshotId"] for s in b_ec2.describe_snapshots(OwnerIds=["111122223333"])["Snapshots"]]
# Shared is not owned: Bob cannot change, delete or read it through the EBS direct APIs.
assert code(b_ec2.delete_snapshot, SnapshotId=snap) == "InvalidSnapshot.NotFound"

# Bob may see the snapshot, but Alice's key is still hers alone: the copy's Decrypt is refused.
assert code(b_ec2.copy_snapshot, SourceSnapshotId=snap, SourceRegion="us-east-1") == "UnauthorizedOperation"
policy = json.loads(a_kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])
policy["Statement"].append({"Sid": "bob", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % BOB},
                            "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant", "kms:ReEncrypt*", "kms:GenerateDataKey*"], "Resource": "*"})
a_kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(policy))
copy = b_ec2.copy_snapshot(SourceSnapshotId=snap, SourceRegion="us-east-1", Description="bob's copy")["SnapshotId"]
mine = b_ec2.describe_snapshots(SnapshotIds=[copy])["Snapshots"][0]
assert mine["OwnerId"] == BOB and mine["Encrypted"] and mine["KmsKeyId"] != key["Arn"], mine
assert ":444455556666:key/" in mine["KmsKeyId"], mine
blocks = b_ebs.list_snapshot_blocks(SnapshotId=copy)["Blocks"]
assert [b["BlockIndex"] for b in blocks] == [2], blocks
got = b_ebs.get_snapshot_block(SnapshotId=copy, BlockIndex=2, BlockToken=blocks[0]["BlockToken"])["BlockData"].read()
assert got == data
# A volume from the shared snapshot is also Bob's own, under his key.
vol = b_ec2.create_volume(AvailabilityZone="us-east-1a", SnapshotId=snap)
assert vol["Encrypted"] and ":444455556666:key/" in vol["KmsKeyId"], vol

# Taking the share back hides the snapshot again; Bob's copy stays his.
a_ec2.modify_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission", CreateVolumePermission={"Remove": [{"UserId": BOB}]})
assert code(b_ec2.describe_snapshots, SnapshotIds=[snap]) == "InvalidSnapshot.NotFound"
assert b_ec2.describe_snapshots(SnapshotIds=[copy])["Snapshots"][0]["SnapshotId"] == copy

# A snapshot under the AWS managed aws/ebs key cannot be shared: no other account can ever use that key.
default_snap = a_ebs.start_snapshot(VolumeSize=1, Encrypted=True, Timeout=60)["SnapshotId"]
a_ebs.complete_snapshot(SnapshotId=default_snap, ChangedBlocksCount=0)
assert code(a_ec2.modify_snapshot_attribute, SnapshotId=default_snap, Attribute="createVolumePermission", OperationType="add", UserIds=[BOB]) == "OperationNotPermitted"
a_ec2.reset_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission")
assert a_ec2.describe_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission")["CreateVolumePermissions"] == []
print("SHARING OK")
""";
}
