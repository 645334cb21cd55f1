using System.Security.Cryptography;
using SseSim.Volumes.Direct;

namespace SseSim.Volumes.Tests;

public sealed class EbsDirectTests : IAsyncLifetime
{
    private const int Block = 512 * 1024;
    private readonly Harness _h = new();
    private readonly EbsDirectService _ebs;
    private static SseSim.Core.Aws.Caller Caller => Harness.Caller;

    public EbsDirectTests() => _ebs = new EbsDirectService(_h.Service);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static byte[] Data(byte seed)
    {
        var d = new byte[Block];
        new Random(seed).NextBytes(d);
        return d;
    }

    private static string Sum(byte[] data) => Convert.ToBase64String(SHA256.HashData(data));

    [Fact]
    public async Task Put_complete_list_get_round_trip_with_checksums()
    {
        var keyArn = _h.Kms.CreateKey();
        var started = await _ebs.StartSnapshotAsync(Caller, new StartSnapshotRequest { VolumeSize = 1, Encrypted = true, KmsKeyArn = keyArn, Description = "direct" });
        Assert.Equal("pending", started.Status);
        Assert.Equal(Block, started.BlockSize);
        Assert.Equal("sse-kms", started.SseType);
        Assert.Equal(keyArn, started.KmsKeyArn);
        Assert.Equal(started.SnapshotId, _h.Kms.Log.Single(l => l.Op == "GenerateDataKeyWithoutPlaintext").Context!["aws:ebs:id"]);
        // EBS calls KMS as EC2 (kms:ViaService ec2.<region>.amazonaws.com), which the aws/ebs key policy allows.
        Assert.Equal("ec2.amazonaws.com", _h.Kms.Log.Single(l => l.Op == "Decrypt").Caller.ViaService);

        var a = Data(1);
        var b = Data(2);
        Assert.Equal(Sum(a), await _ebs.PutSnapshotBlockAsync(Caller, started.SnapshotId, 0, a, Block, Sum(a), "SHA256"));
        Assert.Equal(Sum(b), await _ebs.PutSnapshotBlockAsync(Caller, started.SnapshotId, 5, b, Block, Sum(b), "SHA256"));
        var bad = await Assert.ThrowsAsync<EbsApiException>(() => _ebs.PutSnapshotBlockAsync(Caller, started.SnapshotId, 1, a, Block, Sum(b), "SHA256"));
        Assert.Equal(("ValidationException", 400), (bad.ErrorType, bad.HttpStatus));
        bad = await Assert.ThrowsAsync<EbsApiException>(() => _ebs.PutSnapshotBlockAsync(Caller, started.SnapshotId, 1, a.AsMemory(0, 4096), 4096, Sum(a[..4096]), "SHA256"));
        Assert.Equal("ValidationException", bad.ErrorType);
        bad = await Assert.ThrowsAsync<EbsApiException>(() => _ebs.PutSnapshotBlockAsync(Caller, started.SnapshotId, 2048, a, Block, Sum(a), "SHA256"));
        Assert.Equal("INVALID_BLOCK", bad.Reason);
        // Plaintext never reaches the snapshot store.
        Assert.All(_h.SnapshotBlocks.Dump(), r => Assert.Equal(-1, r.Value.AsSpan(28).IndexOf(a.AsSpan(0, 64))));

        Assert.Equal("INVALID_PARAMETER_VALUE", (await Assert.ThrowsAsync<EbsApiException>(() => _ebs.CompleteSnapshotAsync(Caller, started.SnapshotId, 3))).Reason);
        var aggregate = Convert.ToBase64String(SHA256.HashData([.. SHA256.HashData(a), .. SHA256.HashData(b)]));
        Assert.Equal("completed", await _ebs.CompleteSnapshotAsync(Caller, started.SnapshotId, 2, aggregate, "SHA256", "LINEAR"));
        Assert.Equal("completed", Assert.Single(_h.Service.DescribeSnapshots(Caller, [started.SnapshotId])).State);

        var list = _ebs.ListSnapshotBlocks(Caller, started.SnapshotId);
        Assert.Equal([0, 5], list.Blocks.Select(x => x.BlockIndex));
        Assert.Equal(1, list.VolumeSize);
        var got = await _ebs.GetSnapshotBlockAsync(Caller, started.SnapshotId, 5, list.Blocks[1].BlockToken);
        Assert.Equal(b, got.BlockData);
        Assert.Equal(Sum(b), got.Checksum);
        Assert.Equal("SHA256", got.ChecksumAlgorithm);

        // A token names one block of one snapshot.
        Assert.Equal("INVALID_BLOCK_TOKEN", (await Assert.ThrowsAsync<EbsApiException>(() => _ebs.GetSnapshotBlockAsync(Caller, started.SnapshotId, 0, list.Blocks[1].BlockToken))).Reason);
        var forged = list.Blocks[0].BlockToken[..^2] + (list.Blocks[0].BlockToken[^2] == 'A' ? "B" : "A") + list.Blocks[0].BlockToken[^1];
        Assert.Equal("INVALID_BLOCK_TOKEN", (await Assert.ThrowsAsync<EbsApiException>(() => _ebs.GetSnapshotBlockAsync(Caller, started.SnapshotId, 0, forged))).Reason);

        // And expires (7 days).
        _h.Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        Assert.Equal("INVALID_BLOCK_TOKEN", (await Assert.ThrowsAsync<EbsApiException>(() => _ebs.GetSnapshotBlockAsync(Caller, started.SnapshotId, 0, list.Blocks[0].BlockToken))).Reason);
    }

    [Fact]
    public async Task Snapshots_of_volumes_are_readable_and_diffable()
    {
        var (volume, _) = await _h.CreateAttachedAsync();
        var export = _h.Export(volume.VolumeId);
        var a = Data(3);
        await export.WriteAsync(0, a, false, default);
        var first = await _h.Service.CreateSnapshotAsync(Caller, volume.VolumeId);
        await _h.Service.WaitForSnapshotAsync(first.SnapshotId);
        await export.WriteAsync(3L * Block + 4096, new byte[] { 1, 2, 3 }, false, default);
        var second = await _h.Service.CreateSnapshotAsync(Caller, volume.VolumeId);
        await _h.Service.WaitForSnapshotAsync(second.SnapshotId);

        var blocks = _ebs.ListSnapshotBlocks(Caller, second.SnapshotId);
        Assert.Equal([0, 3], blocks.Blocks.Select(x => x.BlockIndex));
        var got = await _ebs.GetSnapshotBlockAsync(Caller, second.SnapshotId, 0, blocks.Blocks[0].BlockToken);
        Assert.Equal(a, got.BlockData);

        var changed = _ebs.ListChangedBlocks(Caller, first.SnapshotId, second.SnapshotId);
        var c = Assert.Single(changed.ChangedBlocks);
        Assert.Equal(3, c.BlockIndex);
        Assert.Null(c.FirstBlockToken);
        Assert.NotNull(c.SecondBlockToken);
        Assert.Equal(2, _ebs.ListChangedBlocks(Caller, null, second.SnapshotId).ChangedBlocks.Count);

        var (other, _) = await _h.CreateAttachedAsync();
        var unrelated = await _h.Service.CreateSnapshotAsync(Caller, other.VolumeId);
        await _h.Service.WaitForSnapshotAsync(unrelated.SnapshotId);
        Assert.Equal("UNRELATED_SNAPSHOTS", Assert.Throws<EbsApiException>(() => _ebs.ListChangedBlocks(Caller, first.SnapshotId, unrelated.SnapshotId)).Reason);
    }

    [Fact]
    public async Task Child_snapshot_shares_the_key_and_restores_into_a_volume()
    {
        var parent = await _ebs.StartSnapshotAsync(Caller, new StartSnapshotRequest { VolumeSize = 1, Encrypted = true });
        var a = Data(4);
        await _ebs.PutSnapshotBlockAsync(Caller, parent.SnapshotId, 0, a, Block, Sum(a), "SHA256");
        await _ebs.CompleteSnapshotAsync(Caller, parent.SnapshotId, 1);
        Assert.Equal("INVALID_PARAMETER_VALUE", (await Assert.ThrowsAsync<EbsApiException>(() => _ebs.StartSnapshotAsync(Caller, new StartSnapshotRequest { VolumeSize = 1, ParentSnapshotId = parent.SnapshotId, Encrypted = true }))).Reason);
        var child = await _ebs.StartSnapshotAsync(Caller, new StartSnapshotRequest { VolumeSize = 1, ParentSnapshotId = parent.SnapshotId });
        Assert.Equal(parent.KmsKeyArn, child.KmsKeyArn);
        var b = Data(5);
        await _ebs.PutSnapshotBlockAsync(Caller, child.SnapshotId, 1, b, Block, Sum(b), "SHA256");
        await _ebs.CompleteSnapshotAsync(Caller, child.SnapshotId, 1);
        Assert.Equal(1, Assert.Single(_ebs.ListChangedBlocks(Caller, parent.SnapshotId, child.SnapshotId).ChangedBlocks).BlockIndex);

        var (volume, _) = await _h.CreateAttachedAsync(snapshotId: child.SnapshotId);
        var back = new byte[2 * Block];
        await _h.Export(volume.VolumeId).ReadAsync(0, back, default);
        Assert.Equal(a, back[..Block]);
        Assert.Equal(b, back[Block..]);
    }

    [Fact]
    public async Task Client_token_is_idempotent_and_conflicts_on_different_parameters()
    {
        var first = await _ebs.StartSnapshotAsync(Caller, new StartSnapshotRequest { VolumeSize = 2, ClientToken = "t1" });
        var again = await _ebs.StartSnapshotAsync(Caller, new StartSnapshotRequest { VolumeSize = 2, ClientToken = "t1" });
        Assert.Equal(first.SnapshotId, again.SnapshotId);
        Assert.Equal("ConflictException", (await Assert.ThrowsAsync<EbsApiException>(() => _ebs.StartSnapshotAsync(Caller, new StartSnapshotRequest { VolumeSize = 3, ClientToken = "t1" }))).ErrorType);
        Assert.Equal("INVALID_VOLUME_SIZE", (await Assert.ThrowsAsync<EbsApiException>(() => _ebs.StartSnapshotAsync(Caller, new StartSnapshotRequest { VolumeSize = 0 }))).Reason);
    }

    [Fact]
    public async Task Pending_snapshot_times_out_and_other_accounts_see_nothing()
    {
        var s = await _ebs.StartSnapshotAsync(Caller, new StartSnapshotRequest { VolumeSize = 1, Timeout = 10 });
        var other = Caller with { Identity = Caller.Identity with { AccountId = "999988887777" } };
        var a = Data(6);
        Assert.Equal("ResourceNotFoundException", (await Assert.ThrowsAsync<EbsApiException>(() => _ebs.PutSnapshotBlockAsync(other, s.SnapshotId, 0, a, Block, Sum(a), "SHA256"))).ErrorType);
        _h.Time.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal("WRITE_REQUEST_TIMEOUT", (await Assert.ThrowsAsync<EbsApiException>(() => _ebs.PutSnapshotBlockAsync(Caller, s.SnapshotId, 0, a, Block, Sum(a), "SHA256"))).Reason);
    }

    [Fact]
    public async Task Disabled_key_denies_reads()
    {
        var keyArn = _h.Kms.CreateKey();
        var s = await _ebs.StartSnapshotAsync(Caller, new StartSnapshotRequest { VolumeSize = 1, KmsKeyArn = keyArn });
        var a = Data(7);
        await _ebs.PutSnapshotBlockAsync(Caller, s.SnapshotId, 0, a, Block, Sum(a), "SHA256");
        await _ebs.CompleteSnapshotAsync(Caller, s.SnapshotId, 1);
        var token = _ebs.ListSnapshotBlocks(Caller, s.SnapshotId).Blocks[0].BlockToken;
        _h.Kms.Disable(keyArn);
        Assert.Equal("AccessDeniedException", (await Assert.ThrowsAsync<EbsApiException>(() => _ebs.GetSnapshotBlockAsync(Caller, s.SnapshotId, 0, token))).ErrorType);
    }
}
