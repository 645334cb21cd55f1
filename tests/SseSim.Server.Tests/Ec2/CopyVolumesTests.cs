using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.Ec2;

/// <summary>CopyVolumes over the Query API with boto3: the volumeSet answer, SourceVolumeId in DescribeVolumes, and no snapshot left behind.</summary>
public sealed class CopyVolumesTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Boto3_copies_an_encrypted_volume()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync("""
import os, boto3
from botocore.exceptions import ClientError
ec2 = boto3.client("ec2", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
src = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, Encrypted=True, VolumeType="gp3")
before = {s["SnapshotId"] for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]}
copy = ec2.copy_volumes(SourceVolumeId=src["VolumeId"], Size=3,
    TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "copy"}]}])["Volumes"]
assert len(copy) == 1, copy
c = copy[0]
assert c["SourceVolumeId"] == src["VolumeId"] and c["Size"] == 3 and c["VolumeType"] == "gp2", c
assert c["Encrypted"] and c["KmsKeyId"] == src["KmsKeyId"] and c["AvailabilityZone"] == "us-east-1a", c
assert c["Tags"] == [{"Key": "Name", "Value": "copy"}], c
ec2.get_waiter("volume_available").wait(VolumeIds=[c["VolumeId"]], WaiterConfig={"Delay": 1})
d = ec2.describe_volumes(VolumeIds=[c["VolumeId"]])["Volumes"][0]
assert d["SourceVolumeId"] == src["VolumeId"] and d["State"] == "available", d
assert "SourceVolumeId" not in ec2.describe_volumes(VolumeIds=[src["VolumeId"]])["Volumes"][0]
assert {s["SnapshotId"] for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]} == before
try:
    ec2.copy_volumes(SourceVolumeId="vol-0123456789abcdef0")
    raise AssertionError("copied a volume that does not exist")
except ClientError as e:
    assert e.response["Error"]["Code"] == "InvalidVolume.NotFound", e.response
""");
    }
}
