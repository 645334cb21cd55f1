using SseSim.Volumes.Blocks;

namespace SseSim.Volumes.Tests;

public sealed class SnapshotTests : IAsyncLifetime
{
    private readonly Harness _h = new();
    private static SseSim.Core.Aws.Caller Caller => Harness.Caller;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static byte[] Fill(byte value, int length = 4096) => Enumerable.Repeat(value, length).ToArray();

    private async Task<SnapshotInfo> SnapshotAsync(string volumeId)
    {
        var s = await _h.Service.CreateSnapshotAsync(Caller, volumeId, "test");
        Assert.Equal("pending", s.State);
        Assert.Matches("^snap-[0-9a-f]{17}$", s.SnapshotId);
        await _h.Service.WaitForSnapshotAsync(s.SnapshotId);
        return Assert.Single(_h.Service.DescribeSnapshots(Caller, [s.SnapshotId]));
    }

    private int HeldBy(string snapshotId) => _h.SnapshotBlocks.Dump().Count(r => r.Key.VolumeId == snapshotId);

    private async Task<byte[]> ReadAsync(string volumeId, long offset, int length)
    {
        var buffer = new byte[length];
        await _h.Export(volumeId).ReadAsync(offset, buffer, default);
        return buffer;
    }

    [Fact]
    public async Task Snapshots_are_incremental_and_copy_ciphertext()
    {
        var (volume, _) = await _h.CreateAttachedAsync();
        var export = _h.Export(volume.VolumeId);
        for (var i = 0; i < 10; i++)
        {
            await export.WriteAsync(i * 4096L, Fill((byte)(i + 1)), false, default);
        }
        var first = await SnapshotAsync(volume.VolumeId);
        Assert.Equal("completed", first.State);
        Assert.True(first.Encrypted);
        Assert.Equal(volume.KmsKeyId, first.KmsKeyId);
        Assert.Equal(10, HeldBy(first.SnapshotId));
        // Byte-for-byte copies: no re-encryption.
        var v = new byte[BlockFormat.EncryptedRecordSize];
        var s = new byte[BlockFormat.EncryptedRecordSize];
        _h.Blocks.TryRead(volume.VolumeId, 3, v, out _);
        _h.SnapshotBlocks.TryRead(first.SnapshotId, 3, s, out _);
        Assert.Equal(v, s);

        await export.WriteAsync(2 * 4096L, Fill(0xee), false, default);
        await export.WriteAsync(20 * 4096L, Fill(0xdd), false, default);
        var second = await SnapshotAsync(volume.VolumeId);
        Assert.Equal(2, HeldBy(second.SnapshotId));
        Assert.Equal(first.DataEncryptionKeyId, second.DataEncryptionKeyId);

        var third = await SnapshotAsync(volume.VolumeId);
        Assert.Equal(0, HeldBy(third.SnapshotId));

        // Deleting the first keeps the 9 blocks the later snapshots still reference.
        await _h.Service.DeleteSnapshotAsync(Caller, first.SnapshotId);
        Assert.Empty(_h.Service.DescribeSnapshots(Caller, filters: new Filters { ["snapshot-id"] = [first.SnapshotId] }));
        Assert.Equal(9, HeldBy(first.SnapshotId));
        await _h.Service.DeleteSnapshotAsync(Caller, second.SnapshotId);
        await _h.Service.DeleteSnapshotAsync(Caller, third.SnapshotId);
        Assert.Empty(_h.SnapshotBlocks.Dump());
    }

    [Fact]
    public async Task Restore_shares_the_key_loads_lazily_and_diverges_independently()
    {
        var (volume, _) = await _h.CreateAttachedAsync();
        await _h.Export(volume.VolumeId).WriteAsync(0, Fill(0x11, 8192), false, default);
        var snapshot = await SnapshotAsync(volume.VolumeId);
        var generates = _h.Kms.Calls.Count(c => c == "GenerateDataKeyWithoutPlaintext");

        var (restored, _) = await _h.CreateAttachedAsync(snapshotId: snapshot.SnapshotId);
        Assert.True(restored.Encrypted);
        Assert.Equal(volume.KmsKeyId, restored.KmsKeyId);
        Assert.Equal(snapshot.SnapshotId, restored.SnapshotId);
        Assert.Equal(generates, _h.Kms.Calls.Count(c => c == "GenerateDataKeyWithoutPlaintext"));
        Assert.DoesNotContain(_h.Blocks.Dump(), r => r.Key.VolumeId == restored.VolumeId);
        Assert.All(await ReadAsync(restored.VolumeId, 0, 8192), b => Assert.Equal(0x11, b));

        // Trimming a snapshot-backed block must not re-expose the snapshot's data.
        await _h.Export(restored.VolumeId).TrimAsync(0, 4096, false, default);
        Assert.All(await ReadAsync(restored.VolumeId, 0, 4096), b => Assert.Equal(0, b));
        await _h.Export(restored.VolumeId).WriteAsync(4096, Fill(0x22), false, default);
        Assert.All(await ReadAsync(volume.VolumeId, 0, 8192), b => Assert.Equal(0x11, b));

        // Snapshot of the restored volume is incremental against its base, and restorable in turn.
        var child = await SnapshotAsync(restored.VolumeId);
        Assert.Equal(2, HeldBy(child.SnapshotId));
        await _h.Service.DeleteSnapshotAsync(Caller, snapshot.SnapshotId);
        var (grandchild, _) = await _h.CreateAttachedAsync(snapshotId: child.SnapshotId);
        var back = await ReadAsync(grandchild.VolumeId, 0, 12288);
        Assert.All(back[..4096], b => Assert.Equal(0, b));
        Assert.All(back[4096..8192], b => Assert.Equal(0x22, b));
        Assert.All(back[8192..], b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task Sibling_restores_cannot_read_each_others_blocks()
    {
        var (volume, _) = await _h.CreateAttachedAsync();
        var snapshot = await SnapshotAsync(volume.VolumeId);
        var (a, _) = await _h.CreateAttachedAsync(snapshotId: snapshot.SnapshotId);
        var (b, _) = await _h.CreateAttachedAsync(snapshotId: snapshot.SnapshotId);
        await _h.Export(a.VolumeId).WriteAsync(0, Fill(0x33), false, default);
        var record = new byte[BlockFormat.EncryptedRecordSize];
        _h.Blocks.TryRead(a.VolumeId, 0, record, out _);
        _h.Blocks.Write(b.VolumeId, 0, record);
        await Assert.ThrowsAsync<BlockIntegrityException>(() => ReadAsync(b.VolumeId, 0, 4096));
    }

    [Fact]
    public async Task Snapshot_is_point_in_time_while_writes_continue()
    {
        var (volume, _) = await _h.CreateAttachedAsync(size: 1);
        var export = _h.Export(volume.VolumeId);
        const int blocks = 2000;
        for (var i = 0; i < blocks; i++)
        {
            await export.WriteAsync(i * 4096L, Fill(0xaa), false, default);
        }
        var pending = await _h.Service.CreateSnapshotAsync(Caller, volume.VolumeId);
        // Overwrite everything while the snapshot copies; copy-on-write must preserve 0xaa.
        for (var i = blocks - 1; i >= 0; i--)
        {
            await export.WriteAsync(i * 4096L, Fill(0xbb), false, default);
        }
        await _h.Service.WaitForSnapshotAsync(pending.SnapshotId);
        var (restored, _) = await _h.CreateAttachedAsync(snapshotId: pending.SnapshotId);
        var back = await ReadAsync(restored.VolumeId, 0, blocks * 4096);
        Assert.All(back, b => Assert.Equal(0xaa, b));
        Assert.All(await ReadAsync(volume.VolumeId, 0, blocks * 4096), b => Assert.Equal(0xbb, b));
    }

    [Fact]
    public async Task Copy_to_another_key_is_a_full_reencrypted_copy()
    {
        var (volume, _) = await _h.CreateAttachedAsync();
        await _h.Export(volume.VolumeId).WriteAsync(0, Fill(0x44, 3 * 4096), false, default);
        var source = await SnapshotAsync(volume.VolumeId);
        var otherKey = _h.Kms.CreateKey();
        _h.Kms.Log.Clear();
        var copyId = await _h.Service.CopySnapshotAsync(Caller, new CopySnapshotRequest { SourceSnapshotId = source.SnapshotId, KmsKeyId = otherKey, Encrypted = true });
        var generate = Assert.Single(_h.Kms.Log, l => l.Op == "GenerateDataKeyWithoutPlaintext");
        Assert.Equal(copyId, generate.Context!["aws:ebs:id"]);
        var copy = Assert.Single(_h.Service.DescribeSnapshots(Caller, [copyId]));
        Assert.Equal(otherKey, copy.KmsKeyId);
        Assert.Equal(copyId, copy.DataEncryptionKeyId);
        Assert.NotEqual(source.DataEncryptionKeyId, copy.DataEncryptionKeyId);
        Assert.Equal(3, HeldBy(copyId));

        // Independent of the source: delete it, restore the copy.
        await _h.Service.DeleteSnapshotAsync(Caller, source.SnapshotId);
        var (restored, _) = await _h.CreateAttachedAsync(snapshotId: copyId);
        Assert.Equal(otherKey, restored.KmsKeyId);
        Assert.All(await ReadAsync(restored.VolumeId, 0, 3 * 4096), b => Assert.Equal(0x44, b));
    }

    [Fact]
    public async Task Copy_with_the_same_key_shares_blocks()
    {
        var (volume, _) = await _h.CreateAttachedAsync();
        await _h.Export(volume.VolumeId).WriteAsync(0, Fill(0x45), false, default);
        var source = await SnapshotAsync(volume.VolumeId);
        var copyId = await _h.Service.CopySnapshotAsync(Caller, new CopySnapshotRequest { SourceSnapshotId = source.SnapshotId });
        Assert.Equal(0, HeldBy(copyId));
        Assert.Equal(source.DataEncryptionKeyId, Assert.Single(_h.Service.DescribeSnapshots(Caller, [copyId])).DataEncryptionKeyId);
        await _h.Service.DeleteSnapshotAsync(Caller, source.SnapshotId);
        var (restored, _) = await _h.CreateAttachedAsync(snapshotId: copyId);
        Assert.All(await ReadAsync(restored.VolumeId, 0, 4096), b => Assert.Equal(0x45, b));
    }

    [Fact]
    public async Task CopySnapshot_without_a_description_names_the_source_snapshot_and_region()
    {
        var (volume, _) = await _h.CreateAttachedAsync();
        var source = await SnapshotAsync(volume.VolumeId);
        var copyId = await _h.Service.CopySnapshotAsync(Caller, new CopySnapshotRequest { SourceSnapshotId = source.SnapshotId });
        var copy = Assert.Single(_h.Service.DescribeSnapshots(Caller, [copyId]));
        Assert.Equal($"[Copied {source.SnapshotId} from us-east-1]", copy.Description);
        Assert.Equal("vol-ffffffff", copy.VolumeId);
    }

    [Fact]
    public async Task Encryption_is_never_removed()
    {
        var (volume, _) = await _h.CreateAttachedAsync();
        var source = await SnapshotAsync(volume.VolumeId);
        var e = await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.CopySnapshotAsync(Caller, new CopySnapshotRequest { SourceSnapshotId = source.SnapshotId, Encrypted = false }));
        Assert.Equal("InvalidParameterValue", e.Code);
        var restored = await _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", SnapshotId = source.SnapshotId, Encrypted = false });
        Assert.True(restored.Encrypted);
    }

    [Fact]
    public async Task Unencrypted_snapshot_restored_encrypted_and_under_another_key()
    {
        var (plain, _) = await _h.CreateAttachedAsync(encrypted: false);
        await _h.Export(plain.VolumeId).WriteAsync(0, Fill(0x55), false, default);
        var snap = await SnapshotAsync(plain.VolumeId);
        Assert.False(snap.Encrypted);
        var (encrypted, _) = await _h.CreateAttachedAsync(encrypted: true, snapshotId: snap.SnapshotId);
        Assert.True(encrypted.Encrypted);
        Assert.All(await ReadAsync(encrypted.VolumeId, 0, 4096), b => Assert.Equal(0x55, b));
        Assert.Equal(BlockFormat.EncryptedRecordSize, _h.Blocks.Dump().Single(r => r.Key.VolumeId == encrypted.VolumeId).Value.Length);

        var encSnap = await SnapshotAsync(encrypted.VolumeId);
        var otherKey = _h.Kms.CreateKey();
        var (rekeyed, _) = await _h.CreateAttachedAsync(snapshotId: encSnap.SnapshotId, kmsKeyId: otherKey);
        Assert.Equal(otherKey, rekeyed.KmsKeyId);
        Assert.All(await ReadAsync(rekeyed.VolumeId, 0, 4096), b => Assert.Equal(0x55, b));
    }

    [Fact]
    public async Task Delete_volume_removes_its_blocks_but_not_snapshot_data()
    {
        var (volume, _) = await _h.CreateAttachedAsync();
        await _h.Export(volume.VolumeId).WriteAsync(0, Fill(0x66, 8192), false, default);
        var snap = await SnapshotAsync(volume.VolumeId);
        await _h.Service.DetachVolumeAsync(Caller, volume.VolumeId);
        await _h.Service.DeleteVolumeAsync(Caller, volume.VolumeId);
        Assert.DoesNotContain(_h.Blocks.Dump(), r => r.Key.VolumeId == volume.VolumeId);
        Assert.Equal(2, HeldBy(snap.SnapshotId));
        Assert.Equal(volume.VolumeId, Assert.Single(_h.Service.DescribeSnapshots(Caller, filters: new Filters { ["volume-id"] = [volume.VolumeId] })).VolumeId);
    }
}

public sealed class SnapshotRaceTests
{
    [Fact]
    public async Task Deleting_a_volume_while_its_snapshot_copies_keeps_the_snapshot_whole()
    {
        await using var h = new Harness();
        var (volume, _) = await h.CreateAttachedAsync();
        var export = h.Export(volume.VolumeId);
        for (var i = 0; i < 3000; i++)
        {
            await export.WriteAsync(i * 4096L, Enumerable.Repeat((byte)0x77, 4096).ToArray(), false, default);
        }
        await h.Service.DetachVolumeAsync(Harness.Caller, volume.VolumeId);
        var snapshot = await h.Service.CreateSnapshotAsync(Harness.Caller, volume.VolumeId);
        await h.Service.DeleteVolumeAsync(Harness.Caller, volume.VolumeId).WaitAsync(TimeSpan.FromSeconds(30));
        await h.Service.WaitForSnapshotAsync(snapshot.SnapshotId).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("completed", Assert.Single(h.Service.DescribeSnapshots(Harness.Caller, [snapshot.SnapshotId])).State);
        var (restored, _) = await h.CreateAttachedAsync(snapshotId: snapshot.SnapshotId);
        var back = new byte[3000 * 4096];
        await h.Export(restored.VolumeId).ReadAsync(0, back, default);
        Assert.All(back, b => Assert.Equal(0x77, b));
    }

    [Fact]
    public async Task Restart_marks_pending_snapshots_as_error()
    {
        await using var h = new Harness();
        var direct = new Direct.EbsDirectService(h.Service);
        var s = await direct.StartSnapshotAsync(Harness.Caller, new Direct.StartSnapshotRequest { VolumeSize = 1, Encrypted = true });
        await h.RestartAsync();
        Assert.Equal("error", Assert.Single(h.Service.DescribeSnapshots(Harness.Caller, [s.SnapshotId])).State);
    }

    [Fact]
    public async Task Tags_and_permissions_set_while_a_snapshot_is_pending_survive_its_completion()
    {
        await using var h = new Harness();
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Service.BeforeSnapshotCompletes = async _ =>
        {
            reached.TrySetResult();
            await hold.Task;
        };
        var (volume, _) = await h.CreateAttachedAsync(encrypted: false);
        await h.Export(volume.VolumeId).WriteAsync(0, Enumerable.Repeat((byte)0x42, 4096).ToArray(), false, default);
        var s = await h.Service.CreateSnapshotAsync(Harness.Caller, volume.VolumeId, "test", [new Tag("at-create", "1")]);
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await h.Service.CreateTagsAsync(Harness.Caller, [s.SnapshotId], [new Tag("while-pending", "2")]);
        await h.Service.ModifyCreateVolumePermissionAsync(Harness.Caller, s.SnapshotId, ["444455556666"], []);
        Assert.Equal("pending", Assert.Single(h.Service.DescribeSnapshots(Harness.Caller, [s.SnapshotId])).State);

        hold.SetResult();
        await h.Service.WaitForSnapshotAsync(s.SnapshotId);
        var done = Assert.Single(h.Service.DescribeSnapshots(Harness.Caller, [s.SnapshotId]));
        Assert.Equal("completed", done.State);
        Assert.Equal(["at-create", "while-pending"], done.Tags.Select(t => t.Key).Order());
        Assert.Equal(["444455556666"], h.Service.DescribeCreateVolumePermission(Harness.Caller, s.SnapshotId));
    }
}
