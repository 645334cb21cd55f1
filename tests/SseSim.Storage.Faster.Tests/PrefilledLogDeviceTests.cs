using System.Text;
using SseSim.Core.Storage;

namespace SseSim.Storage.Faster.Tests;

/// <summary>The log device that writes into space filled ahead of the tail (docs/formats/faster-log-commits.md#log-segments).</summary>
public sealed class PrefilledLogDeviceTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly FasterLogOptions SmallSegments = new()
    {
        PageSizeBits = 12,
        MemorySizeBits = 14,
        SegmentSizeBits = 16,
        CompactionThresholdBytes = 1L << 40,
    };

    [Fact]
    public async Task Space_ahead_of_the_tail_is_written_zeros_and_the_log_reads_back_after_reopen()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // elsewhere the log uses FASTER's own device
        }
        await using (var store = new FasterKeyValueStore(_dir.Path))
        {
            await store.PutAsync("k", Encoding.UTF8.GetBytes("value"));
        }

        // One small record, but the file already holds the first fill chunk, and everything past the record is zeros.
        var segment = await File.ReadAllBytesAsync(Path.Combine(_dir.Path, "log.0"));
        Assert.True(segment.Length >= 256 << 10, $"log.0 is {segment.Length} bytes");
        Assert.True(segment.AsSpan(0, 4096).IndexOf("value"u8) >= 0);
        Assert.All(segment.Skip(4096), b => Assert.Equal(0, b));

        await using (var store = new FasterKeyValueStore(_dir.Path))
        {
            Assert.True(store.TryGet("k", out var v));
            Assert.Equal("value", Encoding.UTF8.GetString(v));
        }
    }

    [Fact]
    public async Task A_log_spanning_many_segments_fills_each_to_its_size_and_recovers_every_record()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // elsewhere the log uses FASTER's own device
        }
        var oracle = new Dictionary<string, byte[]>();
        await using (var store = new FasterKeyValueStore(_dir.Path, SmallSegments))
        {
            // Concurrent writers, so commits and fills of one segment overlap with writes to the next.
            var writes = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                var random = new Random(w);
                for (var i = 0; i < 150; i++)
                {
                    var value = new byte[random.Next(200, 3_000)];
                    random.NextBytes(value);
                    await store.PutAsync($"w{w}/{i:D3}", value);
                    lock (oracle)
                    {
                        oracle[$"w{w}/{i:D3}"] = value;
                    }
                }
            }));
            await Task.WhenAll(writes);
        }

        var segments = Directory.GetFiles(_dir.Path, "log.*").OrderBy(f => int.Parse(Path.GetExtension(f)[1..])).ToArray();
        Assert.True(segments.Length >= 5, $"{segments.Length} segments");
        // Every segment the tail has left is exactly one segment long: filled to its end, never past it.
        Assert.All(segments[..^1], s => Assert.Equal(1L << SmallSegments.SegmentSizeBits, new FileInfo(s).Length));

        await using (var store = new FasterKeyValueStore(_dir.Path, SmallSegments))
        {
            Assert.Equal(oracle.Count, store.Count);
            foreach (var (key, value) in oracle)
            {
                Assert.True(store.TryGet(key, out var stored), key);
                Assert.Equal(value, stored);
            }
            // Appends continue where recovery left the tail, inside space filled before the restart.
            await store.PutAsync("after", [1, 2, 3]);
        }
        await using (var store = new FasterKeyValueStore(_dir.Path, SmallSegments))
        {
            Assert.True(store.TryGet("after", out var after));
            Assert.Equal([1, 2, 3], after);
            Assert.Equal(oracle.Count + 1, store.Count);
        }
    }

    [Fact]
    public async Task A_segment_written_by_fasters_own_device_keeps_its_bytes_when_the_log_grows_on()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // elsewhere the log uses FASTER's own device
        }
        // A data directory from before this device: its segment ends with its data.
        await using (var store = new FasterKeyValueStore(_dir.Path))
        {
            await store.PutAsync("old", Encoding.UTF8.GetBytes("kept"));
        }
        var legacy = Path.Combine(_dir.Path, "log.0");
        var written = new byte[8192];
        Random.Shared.NextBytes(written);
        // FASTER's device left segments as long as their data (sector-aligned): cut the filled file back to that.
        var data = await File.ReadAllBytesAsync(legacy);
        var end = Array.FindLastIndex(data, b => b != 0) + 1;
        var shortLength = (end + 511) / 512 * 512;
        using (var file = File.OpenHandle(legacy, FileMode.Open, FileAccess.Write))
        {
            RandomAccess.SetLength(file, shortLength);
        }
        var before = (await File.ReadAllBytesAsync(legacy))[..(shortLength - 512)];

        await using (var store = new FasterKeyValueStore(_dir.Path))
        {
            Assert.True(store.TryGet("old", out _));
            await store.PutAsync("new", written);
        }

        var after = await File.ReadAllBytesAsync(legacy);
        Assert.True(after.Length >= 256 << 10, "the short segment was filled on");
        Assert.Equal(before, after[..before.Length]);
        await using (var store = new FasterKeyValueStore(_dir.Path))
        {
            Assert.True(store.TryGet("old", out var old));
            Assert.Equal("kept", Encoding.UTF8.GetString(old));
            Assert.True(store.TryGet("new", out var v));
            Assert.Equal(written, v);
        }
    }
}
