using System.Text.Json;

namespace SseSim.Server.Tests.Ec2;

/// <summary>
/// The EBS flow from the study material, end to end with the real aws CLI and qemu-io over NBD: encrypted volume,
/// attach, write, detach (export refused), re-attach, snapshot, restore, copy to another key, EBS direct read.
/// </summary>
public sealed class EncryptedVolumeWalkthroughTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private string Nbd(string volumeId) => $"nbd://127.0.0.1:{server.NbdPort}/{volumeId}";

    [Fact]
    public async Task Volume_snapshot_restore_copy_and_direct_read_keep_the_data_and_the_encryption()
    {
        Assert.True(Tool.Exists("qemu-io"), "qemu-io must be installed (.ci/run installs qemu-utils)");
        Assert.True(AwsCli.Available, "the aws CLI must be installed");
        var work = Directory.CreateTempSubdirectory("sseSim-ebs-").FullName;

        var instance = (await Aws(work, "ec2", "run-instances", "--image-id", "ami-12345678", "--count", "1", "--query", "Instances[0].InstanceId", "--output", "text")).Trim();
        var volume = JsonDocument.Parse(await Aws(work, "ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "1", "--encrypted", "--volume-type", "gp3")).RootElement;
        var volumeId = volume.GetProperty("VolumeId").GetString()!;
        Assert.True(volume.GetProperty("Encrypted").GetBoolean());
        var managedKeyArn = volume.GetProperty("KmsKeyId").GetString()!;
        Assert.StartsWith("arn:aws:kms:us-east-1:000000000000:key/", managedKeyArn, StringComparison.Ordinal);

        await Aws(work, "ec2", "attach-volume", "--volume-id", volumeId, "--instance-id", instance, "--device", "/dev/sdf");
        Assert.Equal("in-use", (await Aws(work, "ec2", "describe-volumes", "--volume-ids", volumeId, "--query", "Volumes[0].State", "--output", "text")).Trim());
        await QemuIo(volumeId, "write -P 0xab 0 1M", "flush");

        await Aws(work, "ec2", "detach-volume", "--volume-id", volumeId);
        var refused = await Tool.RunAsync("qemu-io", "-f", "raw", "-c", "read 0 4k", Nbd(volumeId));
        Assert.NotEqual(0, refused.ExitCode);

        await Aws(work, "ec2", "attach-volume", "--volume-id", volumeId, "--instance-id", instance, "--device", "/dev/sdf");
        await QemuIo(volumeId, "read -P 0xab 0 1M");

        var snapshotId = (await Aws(work, "ec2", "create-snapshot", "--volume-id", volumeId, "--query", "SnapshotId", "--output", "text")).Trim();
        await WaitForSnapshot(work, snapshotId);
        await QemuIo(volumeId, "write -P 0xcd 0 1M", "flush");

        var restored = (await Aws(work, "ec2", "create-volume", "--availability-zone", "us-east-1a", "--snapshot-id", snapshotId, "--query", "VolumeId", "--output", "text")).Trim();
        await Aws(work, "ec2", "attach-volume", "--volume-id", restored, "--instance-id", instance, "--device", "/dev/sdg");
        await QemuIo(restored, "read -P 0xab 0 1M");

        var otherKey = JsonDocument.Parse(await Aws(work, "kms", "create-key", "--description", "snapshot copy")).RootElement.GetProperty("KeyMetadata").GetProperty("Arn").GetString()!;
        var copyId = (await Aws(work, "ec2", "copy-snapshot", "--source-region", "us-east-1", "--source-snapshot-id", snapshotId, "--encrypted", "--kms-key-id", otherKey, "--query", "SnapshotId", "--output", "text")).Trim();
        await WaitForSnapshot(work, copyId);
        Assert.Equal(otherKey, (await Aws(work, "ec2", "describe-snapshots", "--snapshot-ids", copyId, "--query", "Snapshots[0].KmsKeyId", "--output", "text")).Trim());
        var fromCopy = (await Aws(work, "ec2", "create-volume", "--availability-zone", "us-east-1a", "--snapshot-id", copyId, "--query", "VolumeId", "--output", "text")).Trim();
        await Aws(work, "ec2", "attach-volume", "--volume-id", fromCopy, "--instance-id", instance, "--device", "/dev/sdh");
        await QemuIo(fromCopy, "read -P 0xab 0 1M");

        var blocks = JsonDocument.Parse(await Aws(work, "ebs", "list-snapshot-blocks", "--snapshot-id", snapshotId)).RootElement.GetProperty("Blocks");
        var first = blocks.EnumerateArray().First(b => b.GetProperty("BlockIndex").GetInt32() == 0);
        var outFile = Path.Combine(work, "block0.bin");
        await Aws(work, "ebs", "get-snapshot-block", "--snapshot-id", snapshotId, "--block-index", "0", "--block-token", first.GetProperty("BlockToken").GetString()!, outFile);
        var block = await File.ReadAllBytesAsync(outFile);
        Assert.Equal(512 * 1024, block.Length);
        Assert.All(block, b => Assert.Equal(0xab, b));

        // The key flow is visible in the KMS audit, as EC2 calls it.
        var events = await Aws(work, "cloudtrail", "lookup-events", "--max-results", "50");
        Assert.Contains("GenerateDataKeyWithoutPlaintext", events, StringComparison.Ordinal);
        Assert.Contains("CreateGrant", events, StringComparison.Ordinal);
        Assert.Contains("aws:ebs:id", events, StringComparison.Ordinal);

        await Aws(work, "ec2", "terminate-instances", "--instance-ids", instance);
        var afterTerminate = await Tool.RunAsync("qemu-io", "-f", "raw", "-c", "read 0 4k", Nbd(restored));
        Assert.NotEqual(0, afterTerminate.ExitCode);
    }

    [Fact]
    public async Task A_disabled_key_makes_create_and_attach_fail_without_state_change()
    {
        var work = Directory.CreateTempSubdirectory("sseSim-ebs-").FullName;
        var keyId = JsonDocument.Parse(await Aws(work, "kms", "create-key")).RootElement.GetProperty("KeyMetadata").GetProperty("KeyId").GetString()!;
        var instance = (await Aws(work, "ec2", "run-instances", "--image-id", "ami-12345678", "--count", "1", "--query", "Instances[0].InstanceId", "--output", "text")).Trim();
        var volumeId = (await Aws(work, "ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "1", "--encrypted", "--kms-key-id", keyId, "--query", "VolumeId", "--output", "text")).Trim();
        await Aws(work, "kms", "disable-key", "--key-id", keyId);
        await AssertCreateAndAttachRefusedAsync(work, keyId, instance, volumeId);
        Assert.Equal("available", (await Aws(work, "ec2", "describe-volumes", "--volume-ids", volumeId, "--query", "Volumes[0].State", "--output", "text")).Trim());
    }

    [Fact]
    public async Task A_key_pending_deletion_makes_create_and_attach_fail_without_state_change()
    {
        var work = Directory.CreateTempSubdirectory("sseSim-ebs-").FullName;
        var keyId = JsonDocument.Parse(await Aws(work, "kms", "create-key")).RootElement.GetProperty("KeyMetadata").GetProperty("KeyId").GetString()!;
        var instance = (await Aws(work, "ec2", "run-instances", "--image-id", "ami-12345678", "--count", "1", "--query", "Instances[0].InstanceId", "--output", "text")).Trim();
        var volumeId = (await Aws(work, "ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "1", "--encrypted", "--kms-key-id", keyId, "--query", "VolumeId", "--output", "text")).Trim();
        await Aws(work, "kms", "schedule-key-deletion", "--key-id", keyId, "--pending-window-in-days", "7");
        await AssertCreateAndAttachRefusedAsync(work, keyId, instance, volumeId);
        var state = JsonDocument.Parse(await Aws(work, "ec2", "describe-volumes", "--volume-ids", volumeId)).RootElement.GetProperty("Volumes")[0];
        Assert.Equal("available", state.GetProperty("State").GetString());
        Assert.Empty(state.GetProperty("Attachments").EnumerateArray());
        var nbd = await Tool.RunAsync("qemu-io", "-f", "raw", "-c", "read 0 4k", Nbd(volumeId));
        Assert.NotEqual(0, nbd.ExitCode);

        // The instance reports the image it was launched from, and the image-id filter finds it.
        Assert.Equal(instance, (await Aws(work, "ec2", "describe-instances", "--filters", "Name=image-id,Values=ami-12345678", "Name=instance-id,Values=" + instance,
            "--query", "Reservations[0].Instances[0].InstanceId", "--output", "text")).Trim());
        Assert.Equal("ami-12345678", (await Aws(work, "ec2", "describe-instances", "--instance-ids", instance, "--query", "Reservations[0].Instances[0].ImageId", "--output", "text")).Trim());
    }

    [Fact]
    public async Task A_written_4_KiB_run_never_appears_under_the_data_dir_unless_the_volume_is_unencrypted()
    {
        var work = Directory.CreateTempSubdirectory("sseSim-ebs-").FullName;
        var instance = (await Aws(work, "ec2", "run-instances", "--image-id", "ami-12345678", "--count", "1", "--query", "Instances[0].InstanceId", "--output", "text")).Trim();
        var encrypted = (await Aws(work, "ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "1", "--encrypted", "--query", "VolumeId", "--output", "text")).Trim();
        var plain = (await Aws(work, "ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "1", "--query", "VolumeId", "--output", "text")).Trim();
        await Aws(work, "ec2", "attach-volume", "--volume-id", encrypted, "--instance-id", instance, "--device", "/dev/sdf");
        await Aws(work, "ec2", "attach-volume", "--volume-id", plain, "--instance-id", instance, "--device", "/dev/sdg");
        await QemuIo(encrypted, "write -P 0x5e 0 1M", "flush");
        // The control: the same kind of run on the unencrypted volume must be found, or the scan proves nothing.
        await QemuIo(plain, "write -P 0x3c 0 1M", "flush");
        // Snapshot blocks go to the object store's files; they must be ciphertext too.
        var snapshotId = (await Aws(work, "ec2", "create-snapshot", "--volume-id", encrypted, "--query", "SnapshotId", "--output", "text")).Trim();
        await WaitForSnapshot(work, snapshotId);

        var secret = Enumerable.Repeat((byte)0x5e, 4096).ToArray();
        var control = Enumerable.Repeat((byte)0x3c, 4096).ToArray();
        var controlFound = false;
        foreach (var file in Directory.EnumerateFiles(server.DataDir, "*", SearchOption.AllDirectories))
        {
            byte[] content;
            try
            {
                content = await File.ReadAllBytesAsync(file);
            }
            catch (IOException)
            {
                continue;
            }
            Assert.True(content.AsSpan().IndexOf(secret) < 0, $"an encrypted volume's plaintext is in {file}");
            controlFound |= content.AsSpan().IndexOf(control) >= 0;
        }
        Assert.True(controlFound, "the unencrypted volume's data was not found under the data dir, so the scan missed the block store");
    }

    private async Task QemuIo(string volumeId, params string[] commands)
    {
        var args = new List<string> { "-f", "raw" };
        foreach (var c in commands)
        {
            args.Add("-c");
            args.Add(c);
        }
        args.Add(Nbd(volumeId));
        var (code, output) = await Tool.RunAsync("qemu-io", [.. args]);
        Assert.True(code == 0 && !output.Contains("verification failed", StringComparison.OrdinalIgnoreCase), $"qemu-io {string.Join(' ', commands)} on {volumeId}: {output}");
    }

    private async Task WaitForSnapshot(string work, string snapshotId)
    {
        for (var i = 0; i < 100; i++)
        {
            var state = (await Aws(work, "ec2", "describe-snapshots", "--snapshot-ids", snapshotId, "--query", "Snapshots[0].State", "--output", "text")).Trim();
            if (state == "completed")
            {
                return;
            }
            Assert.NotEqual("error", state);
            await Task.Delay(200);
        }
        Assert.Fail($"{snapshotId} did not complete");
    }

    /// <summary>With the key unusable, create-volume and attach-volume both fail with InvalidKMSKey.InvalidState, and the failed create leaves no volume.</summary>
    private async Task AssertCreateAndAttachRefusedAsync(string work, string keyId, string instance, string volumeId)
    {
        var before = await Aws(work, "ec2", "describe-volumes", "--query", "length(Volumes)");

        var (code, _, stderr) = await AwsCli.RunAsync(server.Endpoint, work, "ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "1", "--encrypted", "--kms-key-id", keyId);
        Assert.NotEqual(0, code);
        Assert.Contains("InvalidKMSKey.InvalidState", stderr, StringComparison.Ordinal);
        Assert.Equal(before, await Aws(work, "ec2", "describe-volumes", "--query", "length(Volumes)"));

        (code, _, stderr) = await AwsCli.RunAsync(server.Endpoint, work, "ec2", "attach-volume", "--volume-id", volumeId, "--instance-id", instance, "--device", "/dev/sdf");
        Assert.NotEqual(0, code);
        Assert.Contains("InvalidKMSKey.InvalidState", stderr, StringComparison.Ordinal);
    }

    private async Task<string> Aws(string work, params string[] args)
    {
        var (code, stdout, stderr) = await AwsCli.RunAsync(server.Endpoint, work, args);
        Assert.True(code == 0, $"aws {string.Join(' ', args)} failed ({code}): {stderr}");
        return stdout;
    }
}
