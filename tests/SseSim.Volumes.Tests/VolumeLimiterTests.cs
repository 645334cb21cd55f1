using Microsoft.Extensions.Time.Testing;
using SseSim.Volumes.Blocks;

namespace SseSim.Volumes.Tests;

public sealed class VolumeLimiterTests
{
    [Fact]
    public async Task Iops_bucket_blocks_until_time_refills_it()
    {
        var time = new FakeTimeProvider();
        var limiter = new VolumeLimiter(100, 1000, time);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(limiter.AcquireAsync(4096, default).IsCompleted);
        }
        var blocked = limiter.AcquireAsync(4096, default).AsTask();
        await Task.Delay(50);
        Assert.False(blocked.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(20));
        await blocked.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Throughput_bucket_limits_bytes()
    {
        var time = new FakeTimeProvider();
        var limiter = new VolumeLimiter(16000, 1, time);
        Assert.True(limiter.AcquireAsync(1024 * 1024, default).IsCompleted);
        var blocked = limiter.AcquireAsync(512 * 1024, default).AsTask();
        await Task.Delay(50);
        Assert.False(blocked.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(600));
        await blocked.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Limits_apply_to_an_attached_volume_only_when_enabled()
    {
        await using var h = new Harness(new VolumeServiceOptions { EnforceVolumeLimits = true });
        var (volume, _) = await h.CreateAttachedAsync();
        var export = h.Export(volume.VolumeId);
        // gp2 1 GiB baseline: 100 IOPS.
        for (var i = 0; i < 100; i++)
        {
            await export.WriteAsync(i * 4096L, new byte[4096], false, default);
        }
        var blocked = export.WriteAsync(0, new byte[4096], false, default).AsTask();
        await Task.Delay(50);
        Assert.False(blocked.IsCompleted);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await blocked.WaitAsync(TimeSpan.FromSeconds(5));
    }
}

public sealed class TagTests
{
    [Fact]
    public async Task Create_and_delete_tags_across_resource_types()
    {
        await using var h = new Harness();
        var (volume, instance) = await h.CreateAttachedAsync();
        var snapshot = await h.Service.CreateSnapshotAsync(Harness.Caller, volume.VolumeId);
        await h.Service.WaitForSnapshotAsync(snapshot.SnapshotId);
        await h.Service.CreateTagsAsync(Harness.Caller, [volume.VolumeId, snapshot.SnapshotId, instance], [new Tag("team", "a"), new Tag("env", "dev")]);
        Assert.Equal(volume.VolumeId, Assert.Single(h.Service.DescribeVolumes(Harness.Caller, filters: new Filters { ["tag:team"] = ["a"] })).VolumeId);
        Assert.Single(h.Service.DescribeSnapshots(Harness.Caller, filters: new Filters { ["tag:env"] = ["dev"] }));
        Assert.Single(h.Service.DescribeInstances(Harness.Caller, filters: new Filters { ["tag:team"] = ["a"] }));
        await h.Service.DeleteTagsAsync(Harness.Caller, [volume.VolumeId], [("team", null), ("env", "other")]);
        Assert.Equal([new Tag("env", "dev")], Assert.Single(h.Service.DescribeVolumes(Harness.Caller)).Tags);
        Assert.Equal("InvalidVolume.NotFound", (await Assert.ThrowsAsync<Ec2Exception>(() => h.Service.CreateTagsAsync(Harness.Caller, ["vol-00000000000000000"], [new Tag("a", "b")]))).Code);
    }
}
