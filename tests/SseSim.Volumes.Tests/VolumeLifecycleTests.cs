using SseSim.Core.Storage;
using SseSim.Nbd;
using SseSim.Volumes.Blocks;

namespace SseSim.Volumes.Tests;

public sealed class VolumeLifecycleTests : IAsyncLifetime
{
    private readonly Harness _h = new();
    private static SseSim.Core.Aws.Caller Caller => Harness.Caller;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Key_flow_follows_EBS_create_attach_detach()
    {
        var keyArn = _h.Kms.CreateKey();
        var volume = await _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, Encrypted = true, KmsKeyId = keyArn });
        Assert.Matches("^vol-[0-9a-f]{17}$", volume.VolumeId);
        Assert.Equal("creating", volume.State);
        Assert.Equal(keyArn, volume.KmsKeyId);
        var generate = Assert.Single(_h.Kms.Log, l => l.Op == "GenerateDataKeyWithoutPlaintext");
        Assert.Equal(64, generate.Bytes);
        Assert.Equal("ec2.amazonaws.com", generate.Caller.ViaService);
        Assert.Equal(volume.VolumeId, generate.Context!["aws:ebs:id"]);
        Assert.DoesNotContain("Decrypt", _h.Kms.Calls);

        var instance = (await _h.Service.RunInstancesAsync(Caller, new RunInstancesRequest { AvailabilityZone = "us-east-1a" }))[0];
        Assert.Matches("^i-[0-9a-f]{17}$", instance.InstanceId);
        _h.Kms.Calls.Clear();
        var attachment = await _h.Service.AttachVolumeAsync(Caller, volume.VolumeId, instance.InstanceId, "/dev/sdf");
        Assert.Equal("attaching", attachment.State);
        Assert.Equal(["CreateGrant", "Decrypt"], _h.Kms.Calls.Where(c => c != "ResolveKeyArn"));
        var grant = Assert.Single(_h.Kms.Log, l => l.Op == "CreateGrant");
        Assert.Equal($"arn:aws:sts::{FakeDataKeyService.Account}:assumed-role/aws:ec2-infrastructure/{instance.InstanceId}", grant.Grantee);
        Assert.Equal(volume.VolumeId, grant.Subset!["aws:ebs:id"]);
        Assert.Single(_h.Kms.ActiveGrants);
        var key = Assert.Single(_h.Kms.HandedOut);
        Assert.False(key.IsDisposed);

        var described = Assert.Single(_h.Service.DescribeVolumes(Caller, [volume.VolumeId]));
        Assert.Equal("in-use", described.State);
        Assert.Equal("attached", Assert.Single(described.Attachments).State);
        var export = _h.Export(volume.VolumeId);
        Assert.Equal(1L << 30, export.Size);

        _h.Kms.Calls.Clear();
        var detached = await _h.Service.DetachVolumeAsync(Caller, volume.VolumeId);
        Assert.Equal("detaching", detached.State);
        Assert.True(key.IsDisposed, "the attachment's plaintext data key must be zeroed on detach");
        Assert.True(export.Closed.IsCancellationRequested);
        Assert.Empty(_h.Kms.ActiveGrants);
        Assert.Contains("RetireGrant", _h.Kms.Calls);
        Assert.Null(_h.Service.Exports.Find(volume.VolumeId));
        Assert.Equal("available", Assert.Single(_h.Service.DescribeVolumes(Caller, [volume.VolumeId])).State);
        await Assert.ThrowsAsync<NbdException>(async () => await export.ReadAsync(0, new byte[4096], default));
    }

    [Fact]
    public async Task Default_key_is_the_account_default_then_alias_aws_ebs()
    {
        var v1 = await _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, Encrypted = true });
        Assert.Equal("alias/aws/ebs", await _h.Service.GetEbsDefaultKmsKeyIdAsync(Caller));
        var managed = v1.KmsKeyId!;
        Assert.StartsWith("arn:aws:kms:", managed, StringComparison.Ordinal);

        var custom = _h.Kms.CreateKey("alias/mine");
        Assert.Equal(custom, await _h.Service.ModifyEbsDefaultKmsKeyIdAsync(Caller, "alias/mine"));
        Assert.Equal(custom, await _h.Service.GetEbsDefaultKmsKeyIdAsync(Caller));
        Assert.False(await _h.Service.GetEbsEncryptionByDefaultAsync(Caller));
        Assert.True(await _h.Service.EnableEbsEncryptionByDefaultAsync(Caller));
        var v2 = await _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1 });
        Assert.True(v2.Encrypted);
        Assert.Equal(custom, v2.KmsKeyId);

        Assert.Equal(managed, await _h.Service.ResetEbsDefaultKmsKeyIdAsync(Caller));
        Assert.Equal("alias/aws/ebs", await _h.Service.GetEbsDefaultKmsKeyIdAsync(Caller));
        Assert.False(await _h.Service.DisableEbsEncryptionByDefaultAsync(Caller));
        var v3 = await _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1 });
        Assert.False(v3.Encrypted);
        Assert.Null(v3.KmsKeyId);
    }

    [Fact]
    public async Task Disabled_key_fails_create_and_attach_without_state_change()
    {
        var keyArn = _h.Kms.CreateKey();
        _h.Kms.Disable(keyArn);
        var e = await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, Encrypted = true, KmsKeyId = keyArn }));
        Assert.Equal("InvalidKMSKey.InvalidState", e.Code);
        Assert.Contains("DisabledException", e.Message);
        Assert.Empty(_h.Service.DescribeVolumes(Caller));

        _h.Kms.Enable(keyArn);
        var volume = await _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, Encrypted = true, KmsKeyId = keyArn });
        var instance = (await _h.Service.RunInstancesAsync(Caller, new RunInstancesRequest { AvailabilityZone = "us-east-1a" }))[0];
        _h.Kms.Disable(keyArn);
        e = await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.AttachVolumeAsync(Caller, volume.VolumeId, instance.InstanceId, "/dev/sdf"));
        Assert.Equal("InvalidKMSKey.InvalidState", e.Code);
        var after = Assert.Single(_h.Service.DescribeVolumes(Caller));
        Assert.Equal("available", after.State);
        Assert.Empty(after.Attachments);
        Assert.Null(_h.Service.Exports.Find(volume.VolumeId));
        Assert.Empty(_h.Kms.ActiveGrants);
    }

    [Fact]
    public async Task Io_through_the_export_is_encrypted_at_rest()
    {
        var (volume, _) = await _h.CreateAttachedAsync();
        var export = _h.Export(volume.VolumeId);
        var data = Enumerable.Repeat((byte)0xab, 3 * 4096).ToArray();
        await export.WriteAsync(4096, data, fua: true, default);
        var back = new byte[3 * 4096];
        await export.ReadAsync(4096, back, default);
        Assert.Equal(data, back);
        var run = Enumerable.Repeat((byte)0xab, 4096).ToArray();
        var records = _h.Blocks.Dump().ToList();
        Assert.Equal(3, records.Count);
        Assert.All(records, r =>
        {
            Assert.Equal(BlockFormat.EncryptedRecordSize, r.Value.Length);
            Assert.Equal(-1, r.Value.AsSpan().IndexOf(run.AsSpan(0, 64)));
        });
        Assert.True(_h.Blocks.FlushCount >= 1);
    }

    [Fact]
    public async Task Unaligned_io_unwritten_zeros_and_write_zeroes()
    {
        var (volume, _) = await _h.CreateAttachedAsync();
        var export = _h.Export(volume.VolumeId);
        var zeros = new byte[10000];
        await export.ReadAsync(12345, zeros, default);
        Assert.All(zeros, b => Assert.Equal(0, b));
        await export.WriteAsync(100, Enumerable.Repeat((byte)7, 5000).ToArray(), false, default);
        var back = new byte[5200];
        await export.ReadAsync(0, back, default);
        Assert.All(back[..100], b => Assert.Equal(0, b));
        Assert.All(back[100..5100], b => Assert.Equal(7, b));
        Assert.All(back[5100..], b => Assert.Equal(0, b));
        await export.WriteZeroesAsync(0, 8192, false, default);
        await export.ReadAsync(0, back, default);
        Assert.All(back, b => Assert.Equal(0, b));
        Assert.Empty(_h.Blocks.Dump());
    }

    [Fact]
    public async Task Tampered_record_reads_as_io_error()
    {
        var (volume, _) = await _h.CreateAttachedAsync();
        var export = _h.Export(volume.VolumeId);
        await export.WriteAsync(0, new byte[4096], false, default);
        var record = new byte[BlockFormat.EncryptedRecordSize];
        Assert.True(_h.Blocks.TryRead(volume.VolumeId, 0, record, out _));
        record[100] ^= 0x80;
        _h.Blocks.Write(volume.VolumeId, 0, record);
        await Assert.ThrowsAsync<BlockIntegrityException>(async () => await export.ReadAsync(0, new byte[512], default));
    }

    [Fact]
    public async Task Block_copied_into_another_volume_fails()
    {
        var (a, _) = await _h.CreateAttachedAsync();
        var (b, _) = await _h.CreateAttachedAsync();
        await _h.Export(a.VolumeId).WriteAsync(0, new byte[4096], false, default);
        var record = new byte[BlockFormat.EncryptedRecordSize];
        _h.Blocks.TryRead(a.VolumeId, 0, record, out _);
        _h.Blocks.Write(b.VolumeId, 0, record);
        await Assert.ThrowsAsync<BlockIntegrityException>(async () => await _h.Export(b.VolumeId).ReadAsync(0, new byte[4096], default));
    }

    [Fact]
    public async Task Unencrypted_volume_stores_plaintext_and_uses_no_kms()
    {
        var (volume, _) = await _h.CreateAttachedAsync(encrypted: false);
        Assert.Empty(_h.Kms.Calls);
        await _h.Export(volume.VolumeId).WriteAsync(0, Enumerable.Repeat((byte)9, 4096).ToArray(), false, default);
        Assert.All(Assert.Single(_h.Blocks.Dump()).Value, b => Assert.Equal(9, b));
    }

    [Fact]
    public async Task Data_survives_restart_and_nonces_jump_past_the_reservation()
    {
        var (volume, instance) = await _h.CreateAttachedAsync();
        await _h.Export(volume.VolumeId).WriteAsync(0, Enumerable.Repeat((byte)1, 4096).ToArray(), true, default);
        var firstNonce = new byte[BlockFormat.EncryptedRecordSize];
        _h.Blocks.TryRead(volume.VolumeId, 0, firstNonce, out _);
        await _h.RestartAsync();
        // The restart retired the instance's host: stopped, volume still attached, no key in memory until a start.
        Assert.Equal("in-use", Assert.Single(_h.Service.DescribeVolumes(Caller, [volume.VolumeId])).State);
        Assert.Equal(("stopped", "Server.ScheduledStop"), Assert.Single(_h.Service.DescribeInstances(Caller, [instance])) is var i ? (i.State, i.StateReasonCode) : default);
        Assert.Null(_h.Service.Exports.Find(volume.VolumeId));
        await _h.Service.StartInstancesAsync(Caller, [instance]);
        var export = _h.Export(volume.VolumeId);
        var back = new byte[4096];
        await export.ReadAsync(0, back, default);
        Assert.All(back, b => Assert.Equal(1, b));
        await export.WriteAsync(4096, back, false, default);
        var second = new byte[BlockFormat.EncryptedRecordSize];
        _h.Blocks.TryRead(volume.VolumeId, 1, second, out _);
        Assert.True(BlockFormat.CounterOf(second) >= NonceCounter.ReservationChunk);
        Assert.True(BlockFormat.CounterOf(second) > BlockFormat.CounterOf(firstNonce));
    }

    [Fact]
    public async Task Restart_retires_running_instances_keeping_attachments_and_grants()
    {
        var (running, runningInstance) = await _h.CreateAttachedAsync();
        var (stopped, stoppedInstance) = await _h.CreateAttachedAsync();
        await _h.Service.StopInstancesAsync(Caller, [stoppedInstance]);
        var (orphan, orphanInstance) = await _h.CreateAttachedAsync();
        // An attachment whose instance record is gone (data from before instances were persisted) cannot stay attached.
        await _h.Kv.DeleteAsync($"ebs/inst/{orphanInstance}");
        _h.Time.Advance(TimeSpan.FromMinutes(5));
        _h.Kms.Calls.Clear();

        await _h.RestartAsync();

        var retired = Assert.Single(_h.Service.DescribeInstances(Caller, [runningInstance]));
        Assert.Equal(("stopped", "Server.ScheduledStop", "Server.ScheduledStop: Stopped due to scheduled retirement", "Service initiated (2026-01-01 00:05:00 GMT)"),
            (retired.State, retired.StateReasonCode, retired.StateReasonMessage, retired.StateTransitionReason));
        // An instance the user stopped keeps its own reason.
        Assert.Equal("Client.UserInitiatedShutdown", Assert.Single(_h.Service.DescribeInstances(Caller, [stoppedInstance])).StateReasonCode);
        Assert.Equal("in-use", Assert.Single(_h.Service.DescribeVolumes(Caller, [running.VolumeId])).State);
        Assert.Equal("in-use", Assert.Single(_h.Service.DescribeVolumes(Caller, [stopped.VolumeId])).State);
        Assert.Equal("available", Assert.Single(_h.Service.DescribeVolumes(Caller, [orphan.VolumeId])).State);
        Assert.Null(_h.Service.Exports.Find(running.VolumeId));
        // No KMS call at load: the grants stay for the next start, and no key is decrypted without one.
        Assert.Empty(_h.Kms.Calls);

        await _h.Service.StartInstancesAsync(Caller, [runningInstance]);
        Assert.Equal(["Decrypt"], _h.Kms.Calls);
        Assert.NotNull(_h.Service.Exports.Find(running.VolumeId));
        Assert.Null(Assert.Single(_h.Service.DescribeInstances(Caller, [runningInstance])).StateReasonCode);
    }

    [Fact]
    public async Task Errors_and_states_follow_EC2()
    {
        var (volume, instance) = await _h.CreateAttachedAsync();
        Assert.Equal("VolumeInUse", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.DeleteVolumeAsync(Caller, volume.VolumeId))).Code);
        Assert.Equal("VolumeInUse", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.AttachVolumeAsync(Caller, volume.VolumeId, instance, "/dev/sdg"))).Code);
        Assert.Equal("InvalidVolume.NotFound", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.DeleteVolumeAsync(Caller, "vol-00000000000000000"))).Code);
        Assert.Equal("InvalidVolume.NotFound", Assert.Throws<Ec2Exception>(() => _h.Service.DescribeVolumes(Caller, ["vol-00000000000000000"])).Code);
        Assert.Equal("InvalidInstanceID.NotFound", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.AttachVolumeAsync(Caller, volume.VolumeId, "i-00000000000000000", "/dev/sdf"))).Code);
        Assert.Equal("InvalidSnapshot.NotFound", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", SnapshotId = "snap-00000000000000000" }))).Code);
        await _h.Service.DetachVolumeAsync(Caller, volume.VolumeId, force: true);
        Assert.Equal("IncorrectState", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.DetachVolumeAsync(Caller, volume.VolumeId))).Code);
        await _h.Service.DeleteVolumeAsync(Caller, volume.VolumeId);
        Assert.Empty(_h.Service.DescribeVolumes(Caller));
    }

    [Theory]
    [InlineData("gp3", 10, 2000, null, "InvalidParameterValue")]
    [InlineData("gp3", 10, 6000, null, "InvalidParameterValue")]
    [InlineData("gp3", 100, 12000, 2001, "InvalidParameterValue")]
    [InlineData("gp3", 200, 80001, null, "InvalidParameterValue")]
    [InlineData("gp3", 65537, null, null, "InvalidParameterValue")]
    [InlineData("io2", 65537, 1000, null, "InvalidParameterValue")]
    [InlineData("io1", 16385, 1000, null, "InvalidParameterValue")]
    [InlineData("gp3", 100, 3000, 900, "InvalidParameterValue")]
    [InlineData("gp2", 10, 300, null, "InvalidParameterCombination")]
    [InlineData("gp2", 10, null, 200, "InvalidParameterCombination")]
    [InlineData("io1", 10, null, null, "InvalidParameterCombination")]
    [InlineData("io1", 10, 600, null, "InvalidParameterValue")]
    [InlineData("io2", 2, 100, null, "InvalidParameterValue")]
    [InlineData("gp9", 10, null, null, "InvalidParameterValue")]
    [InlineData("gp2", 0, null, null, "InvalidParameterValue")]
    public async Task Volume_type_validation(string type, int size, int? iops, int? throughput, string code)
    {
        var e = await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = size, VolumeType = type, Iops = iops, Throughput = throughput }));
        Assert.Equal(code, e.Code);
    }

    [Theory]
    [InlineData("gp3", 65536, 80000, 2000)]
    [InlineData("io2", 65536, 256000, null)]
    public async Task Volume_type_maximums_as_CreateVolume_documents_them(string type, int size, int? iops, int? throughput)
    {
        var volume = await _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = size, VolumeType = type, Iops = iops, Throughput = throughput });
        Assert.Equal((size, iops, throughput), (volume.Size, volume.Iops, volume.Throughput));
    }

    [Fact]
    public async Task KmsKeyId_without_encryption_is_rejected()
    {
        var e = await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, KmsKeyId = _h.Kms.CreateKey() }));
        Assert.Equal("InvalidParameterDependency", e.Code);
    }

    [Fact]
    public async Task Describe_filters()
    {
        var a = await _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 5, VolumeType = "gp3", Tags = [new Tag("env", "prod")] });
        var (b, instance) = await _h.CreateAttachedAsync(size: 8);
        Assert.Equal(a.VolumeId, Assert.Single(_h.Service.DescribeVolumes(Caller, filters: new Filters { ["tag:env"] = ["prod"] })).VolumeId);
        Assert.Equal(a.VolumeId, Assert.Single(_h.Service.DescribeVolumes(Caller, filters: new Filters { ["volume-type"] = ["gp3"], ["size"] = ["5"] })).VolumeId);
        Assert.Equal(b.VolumeId, Assert.Single(_h.Service.DescribeVolumes(Caller, filters: new Filters { ["attachment.instance-id"] = [instance] })).VolumeId);
        Assert.Equal(b.VolumeId, Assert.Single(_h.Service.DescribeVolumes(Caller, filters: new Filters { ["encrypted"] = ["true"], ["status"] = ["in-use"] })).VolumeId);
        Assert.Equal(2, _h.Service.DescribeVolumes(Caller, filters: new Filters { ["volume-id"] = ["vol-*"] }).Count);
        Assert.Equal("InvalidParameterValue", Assert.Throws<Ec2Exception>(() => _h.Service.DescribeVolumes(Caller, filters: new Filters { ["bogus"] = ["x"] })).Code);
    }

    [Fact]
    public async Task Modify_grows_only_and_updates_the_export()
    {
        var (volume, _) = await _h.CreateAttachedAsync(size: 2);
        Assert.Equal("InvalidParameterValue", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.ModifyVolumeAsync(Caller, new ModifyVolumeRequest { VolumeId = volume.VolumeId, Size = 1 }))).Code);
        var m = await _h.Service.ModifyVolumeAsync(Caller, new ModifyVolumeRequest { VolumeId = volume.VolumeId, Size = 4, VolumeType = "gp3" });
        Assert.Equal(4, m.TargetSize);
        Assert.Equal(4L << 30, _h.Export(volume.VolumeId).Size);
        Assert.Equal("gp3", Assert.Single(_h.Service.DescribeVolumes(Caller, [volume.VolumeId])).VolumeType);
    }

    [Fact]
    public async Task Terminate_detaches_zeroes_keys_and_honours_delete_on_termination()
    {
        var (volume, instance) = await _h.CreateAttachedAsync();
        var key = Assert.Single(_h.Kms.HandedOut);
        var changes = await _h.Service.TerminateInstancesAsync(Caller, [instance]);
        Assert.Equal("shutting-down", Assert.Single(changes).CurrentState);
        Assert.True(key.IsDisposed);
        Assert.Empty(_h.Kms.ActiveGrants);
        Assert.Equal("available", Assert.Single(_h.Service.DescribeVolumes(Caller)).State);
        Assert.Equal("terminated", Assert.Single(_h.Service.DescribeInstances(Caller, [instance])).State);
        Assert.Equal("IncorrectInstanceState", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.AttachVolumeAsync(Caller, volume.VolumeId, instance, "/dev/sdf"))).Code);
    }

    [Fact]
    public async Task Server_stop_zeroes_keys_and_closes_exports()
    {
        var (volume, instance) = await _h.CreateAttachedAsync();
        var export = _h.Export(volume.VolumeId);
        await _h.Service.StopAsync();
        Assert.True(Assert.Single(_h.Kms.HandedOut).IsDisposed);
        Assert.True(export.Closed.IsCancellationRequested);
        // The instance is retired, not detached: its grant stays for the start that decrypts the key again.
        Assert.Single(_h.Kms.ActiveGrants);
        Assert.Equal("Server.ScheduledStop", Assert.Single(_h.Service.DescribeInstances(Caller, [instance])).StateReasonCode);
        Assert.Equal("in-use", Assert.Single(_h.Service.DescribeVolumes(Caller, [volume.VolumeId])).State);
    }

    [Fact]
    public async Task Other_accounts_cannot_see_volumes()
    {
        var (volume, _) = await _h.CreateAttachedAsync();
        var other = Caller with { Identity = Caller.Identity with { AccountId = "999988887777" } };
        Assert.Empty(_h.Service.DescribeVolumes(other));
        Assert.Equal("InvalidVolume.NotFound", (await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.DeleteVolumeAsync(other, volume.VolumeId))).Code);
    }
}
