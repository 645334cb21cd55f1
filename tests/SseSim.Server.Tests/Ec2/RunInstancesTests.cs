using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using SseSim.Server.Tests.Durability;

namespace SseSim.Server.Tests.Ec2;

/// <summary>
/// RunInstances with EBS block device mappings through the aws CLI, then DescribeInstanceAttribute and
/// ModifyInstanceAttribute (and ResetInstanceAttribute) on the result: the launch volumes' DeleteOnTermination and termination protection.
/// </summary>
public sealed class RunInstancesTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Launch_volumes_are_encrypted_attached_and_follow_DeleteOnTermination_and_termination_protection()
    {
        Assert.True(AwsCli.Available, "the aws CLI must be installed");
        var work = Directory.CreateTempSubdirectory("sseSim-run-instances-").FullName;
        var key = Json(await Aws(work, "kms", "create-key")).GetProperty("KeyMetadata").GetProperty("Arn").GetString()!;
        var launched = Json(await Aws(work, "ec2", "run-instances", "--image-id", "ami-12345678", "--disable-api-termination",
            "--block-device-mappings", $$$"""[{"DeviceName":"/dev/sdf","Ebs":{"VolumeSize":2,"Encrypted":true,"KmsKeyId":"{{{key}}}"}},{"DeviceName":"/dev/sdg","Ebs":{"VolumeSize":1,"DeleteOnTermination":false}}]""",
            "--tag-specifications", "ResourceType=volume,Tags=[{Key=app,Value=db}]"));
        var instance = launched.GetProperty("Instances")[0].GetProperty("InstanceId").GetString()!;

        var mappings = Json(await Aws(work, "ec2", "describe-instance-attribute", "--instance-id", instance, "--attribute", "blockDeviceMapping"))
            .GetProperty("BlockDeviceMappings").EnumerateArray().ToList();
        Assert.Equal(["/dev/sdf", "/dev/sdg"], mappings.Select(m => m.GetProperty("DeviceName").GetString()));
        Assert.Equal([true, false], mappings.Select(m => m.GetProperty("Ebs").GetProperty("DeleteOnTermination").GetBoolean()));
        var encrypted = mappings[0].GetProperty("Ebs").GetProperty("VolumeId").GetString()!;
        var kept = mappings[1].GetProperty("Ebs").GetProperty("VolumeId").GetString()!;
        var volume = Json(await Aws(work, "ec2", "describe-volumes", "--volume-ids", encrypted)).GetProperty("Volumes")[0];
        Assert.Equal((true, key, "in-use"), (volume.GetProperty("Encrypted").GetBoolean(), volume.GetProperty("KmsKeyId").GetString(), volume.GetProperty("State").GetString()));
        Assert.Equal("db", volume.GetProperty("Tags")[0].GetProperty("Value").GetString());

        Assert.True(Json(await Aws(work, "ec2", "describe-instance-attribute", "--instance-id", instance, "--attribute", "disableApiTermination"))
            .GetProperty("DisableApiTermination").GetProperty("Value").GetBoolean());
        var (code, _, stderr) = await AwsCli.RunAsync(server.Endpoint, work, "ec2", "terminate-instances", "--instance-ids", instance);
        Assert.NotEqual(0, code);
        Assert.Contains("OperationNotPermitted", stderr, StringComparison.Ordinal);

        await Aws(work, "ec2", "modify-instance-attribute", "--instance-id", instance, "--no-disable-api-termination");
        await Aws(work, "ec2", "modify-instance-attribute", "--instance-id", instance, "--block-device-mappings", """[{"DeviceName":"/dev/sdf","Ebs":{"DeleteOnTermination":false}}]""");
        await Aws(work, "ec2", "reset-instance-attribute", "--instance-id", instance, "--attribute", "sourceDestCheck");
        (code, _, stderr) = await AwsCli.RunAsync(server.Endpoint, work, "ec2", "reset-instance-attribute", "--instance-id", instance, "--attribute", "kernel");
        Assert.NotEqual(0, code);
        Assert.Contains("IncorrectInstanceState", stderr, StringComparison.Ordinal);
        await Aws(work, "ec2", "terminate-instances", "--instance-ids", instance);
        var left = Json(await Aws(work, "ec2", "describe-volumes", "--volume-ids", encrypted, kept)).GetProperty("Volumes").EnumerateArray()
            .Select(v => v.GetProperty("State").GetString()).ToList();
        Assert.Equal(["available", "available"], left);
    }

    [Fact]
    public async Task A_disabled_key_terminates_the_launch_with_EC2s_state_reason()
    {
        var work = Directory.CreateTempSubdirectory("sseSim-run-instances-").FullName;
        var key = Json(await Aws(work, "kms", "create-key")).GetProperty("KeyMetadata").GetProperty("KeyId").GetString()!;
        await Aws(work, "kms", "disable-key", "--key-id", key);
        var instance = Json(await Aws(work, "ec2", "run-instances", "--image-id", "ami-12345678",
            "--block-device-mappings", $$$"""[{"DeviceName":"/dev/sdf","Ebs":{"VolumeSize":1,"Encrypted":true,"KmsKeyId":"{{{key}}}"}}]""")).GetProperty("Instances")[0];
        Assert.Equal("pending", instance.GetProperty("State").GetProperty("Name").GetString());

        var described = Json(await Aws(work, "ec2", "describe-instances", "--instance-ids", instance.GetProperty("InstanceId").GetString()!))
            .GetProperty("Reservations")[0].GetProperty("Instances")[0];
        Assert.Equal("terminated", described.GetProperty("State").GetProperty("Name").GetString());
        Assert.Equal("Client.InvalidKMSKey.InvalidState", described.GetProperty("StateReason").GetProperty("Code").GetString());
        Assert.Empty(described.GetProperty("BlockDeviceMappings").EnumerateArray());
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    private async Task<string> Aws(string work, params string[] args)
    {
        var (code, stdout, stderr) = await AwsCli.RunAsync(server.Endpoint, work, args);
        Assert.True(code == 0, $"aws {string.Join(' ', args)} failed ({code}): {stderr}");
        return stdout;
    }

    [Fact]
    public async Task RunInstances_with_a_block_device_smaller_than_its_snapshot_is_InvalidBlockDeviceMapping()
    {
        // AWS's answer, double space included, as quoted in scylladb/scylladb#6999 and openshift/origin-ci-tool#153.
        using var ec2 = CrashCycleTests.Ec2(server.Endpoint);
        var volume = (await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 2 })).Volume.VolumeId;
        var snapshot = (await ec2.CreateSnapshotAsync(new CreateSnapshotRequest { VolumeId = volume })).Snapshot.SnapshotId;
        for (var i = 0; i < 100 && (await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [snapshot] })).Snapshots[0].State != SnapshotState.Completed; i++)
        {
            await Task.Delay(50);
        }
        var e = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = "ami-12345678",
            MinCount = 1,
            MaxCount = 1,
            BlockDeviceMappings = [new BlockDeviceMapping { DeviceName = "/dev/sdf", Ebs = new EbsBlockDevice { SnapshotId = snapshot, VolumeSize = 1 } }],
        }));
        Assert.Equal(("InvalidBlockDeviceMapping", $"Volume of size 1GB is smaller than  snapshot '{snapshot}', expect size >= 2GB"), (e.ErrorCode, e.Message));
    }
}
