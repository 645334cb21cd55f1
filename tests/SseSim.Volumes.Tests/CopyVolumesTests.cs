namespace SseSim.Volumes.Tests;

/// <summary>
/// CopyVolumes: a point-in-time copy under the source's key, readable after the internal image is gone and after a
/// restart, unaffected by later writes to the source, and naming its source.
/// </summary>
public sealed class CopyVolumesTests : IAsyncLifetime
{
    private readonly Harness _h = new();
    private static SseSim.Core.Aws.Caller Caller => Harness.Caller;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static byte[] Fill(byte value) => Enumerable.Repeat(value, 4096).ToArray();

    private async Task<byte[]> ReadAsync(string volumeId, long offset)
    {
        var block = new byte[4096];
        await _h.Export(volumeId).ReadAsync(offset, block, default);
        return block;
    }

    [Fact]
    public async Task An_attached_volume_is_copied_at_one_instant_under_its_own_key()
    {
        var (source, instance) = await _h.CreateAttachedAsync(encrypted: true, size: 1);
        await _h.Export(source.VolumeId).WriteAsync(0, Fill(0x11), false, default);
        await _h.Export(source.VolumeId).WriteAsync(1 << 20, Fill(0x12), false, default);

        var copy = await _h.Service.CopyVolumeAsync(Caller, new CopyVolumeRequest(source.VolumeId, Size: 2, VolumeType: null, Iops: null, Throughput: null, Tags: [new Tag("copy", "1")]));
        await _h.Export(source.VolumeId).WriteAsync(0, Fill(0x22), false, default);

        Assert.Equal(("creating", 2, "gp2", source.VolumeId), (copy.State, copy.Size, copy.VolumeType, copy.SourceVolumeId));
        Assert.Equal((true, source.KmsKeyId, (string?)null), (copy.Encrypted, copy.KmsKeyId, copy.SnapshotId));
        Assert.Equal([new Tag("copy", "1")], copy.Tags);
        // The image it was built on is gone.
        Assert.Empty(_h.Service.DescribeSnapshots(Caller));

        await _h.RestartAsync();
        await _h.Service.StartInstancesAsync(Caller, [instance]);
        await _h.Service.AttachVolumeAsync(Caller, copy.VolumeId, instance, "/dev/sdg");
        Assert.Equal(Fill(0x11), await ReadAsync(copy.VolumeId, 0));
        Assert.Equal(Fill(0x12), await ReadAsync(copy.VolumeId, 1 << 20));
        Assert.Equal(Fill(0x22), await ReadAsync(source.VolumeId, 0));
        var described = Assert.Single(_h.Service.DescribeVolumes(Caller, [copy.VolumeId]));
        Assert.Equal(source.VolumeId, described.SourceVolumeId);
    }

    [Fact]
    public async Task A_smaller_copy_or_a_missing_source_is_refused_and_leaves_nothing()
    {
        var source = await _h.Service.CreateVolumeAsync(Caller, new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 2 });
        var small = await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.CopyVolumeAsync(Caller, new CopyVolumeRequest(source.VolumeId, 1, null, null, null, null)));
        Assert.Equal("InvalidParameterValue", small.Code);
        var missing = await Assert.ThrowsAsync<Ec2Exception>(() => _h.Service.CopyVolumeAsync(Caller, new CopyVolumeRequest("vol-0123456789abcdef0", null, null, null, null, null)));
        Assert.Equal("InvalidVolume.NotFound", missing.Code);
        var copy = await _h.Service.CopyVolumeAsync(Caller, new CopyVolumeRequest(source.VolumeId, null, "gp3", null, null, null));
        Assert.Equal((2, "gp3", false), (copy.Size, copy.VolumeType, copy.Encrypted));
        Assert.Equal(2, _h.Service.DescribeVolumes(Caller).Count);
        Assert.Empty(_h.Service.DescribeSnapshots(Caller));
    }
}
