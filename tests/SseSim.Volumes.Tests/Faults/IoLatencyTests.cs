using SseSim.Core.Faults;

namespace SseSim.Volumes.Tests.Faults;

public sealed class IoLatencyTests
{
    [Fact]
    public async Task Added_latency_holds_reads_and_writes_until_it_has_passed_and_can_be_changed_at_run_time()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var latency = new IoLatencyFault(clock, () => 0.5);
        await using var h = new Harness(new VolumeServiceOptions { IoLatency = latency });
        var (volume, _) = await h.CreateAttachedAsync();
        var export = h.Export(volume.VolumeId);
        await export.WriteAsync(0, new byte[4096], false, default);

        latency.Set(new IoLatency(TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(2)));
        var write = export.WriteAsync(0, new byte[4096], false, default).AsTask();
        await Task.Delay(50);
        Assert.False(write.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(2.9));
        await Task.Delay(50);
        Assert.False(write.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(0.1)); // 2 ms + half of the 2 ms jitter
        await write.WaitAsync(TimeSpan.FromSeconds(5));

        var read = export.ReadAsync(0, new byte[4096], default).AsTask();
        await Task.Delay(50);
        Assert.False(read.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(3));
        await read.WaitAsync(TimeSpan.FromSeconds(5));

        latency.Set(null);
        await export.ReadAsync(0, new byte[4096], default).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Throws<ArgumentException>(() => latency.Set(new IoLatency(TimeSpan.FromMinutes(2), TimeSpan.Zero)));
    }
}
