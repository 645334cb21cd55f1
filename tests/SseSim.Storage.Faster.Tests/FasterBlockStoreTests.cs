namespace SseSim.Storage.Faster.Tests;

public sealed class FasterBlockStoreTests : IDisposable
{
    // Small memory so most records live on disk and reads take FASTER's pending (disk) path.
    private static readonly FasterBlockStoreOptions Small = new()
    {
        IndexSizeBytes = 1L << 16,
        MemorySizeBytes = 1L << 20,
        PageSizeBytes = 1L << 16,
        SegmentSizeBytes = 1L << 22,
    };

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static byte[] Block(string volume, long index, int size = 4096)
    {
        var bytes = new byte[size];
        new Random(HashCode.Combine(volume.Length, volume[^1], index)).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task Write_read_overwrite_delete()
    {
        await using var store = new FasterBlockStore(_dir.Path, Small);
        var buffer = new byte[8192];
        Assert.False(store.TryRead("vol-1", 0, buffer, out var length));
        Assert.Equal(0, length);

        store.Write("vol-1", 0, Block("vol-1", 0));
        store.Write("vol-2", 0, Block("vol-2", 0));
        Assert.True(store.TryRead("vol-1", 0, buffer, out length));
        Assert.Equal(Block("vol-1", 0), buffer[..length]);
        Assert.True(store.TryRead("vol-2", 0, buffer, out length));
        Assert.Equal(Block("vol-2", 0), buffer[..length]);

        store.Write("vol-1", 0, Block("vol-1", 99));
        Assert.True(store.TryRead("vol-1", 0, buffer, out length));
        Assert.Equal(Block("vol-1", 99), buffer[..length]);

        store.Delete("vol-1", 0);
        Assert.False(store.TryRead("vol-1", 0, buffer, out _));
        Assert.True(store.TryRead("vol-2", 0, buffer, out _));
    }

    [Fact]
    public async Task ReadMany_returns_each_block_in_its_slot_from_memory_and_disk_with_gaps_and_other_volumes()
    {
        const int blocks = 600; // ~2.4 MiB: the first blocks have left the 1 MiB in memory
        const int slot = 4096 + 28;
        await using var store = new FasterBlockStore(_dir.Path, Small);
        for (var i = 0; i < blocks; i++)
        {
            if (i % 7 != 3)
            {
                store.Write("vol-m", i, Block("vol-m", i, 4096 + (i % 2 * 28)));
            }
            store.Write("vol-n", i, Block("vol-n", i));
        }
        await store.FlushAsync();

        // Mixed disk (low indexes) and memory (high indexes) in one range, every slot checked.
        foreach (var (first, count) in new[] { (0, blocks), (590, 10), (3, 1) })
        {
            var records = new byte[count * slot];
            var lengths = new int[count];
            store.ReadMany("vol-m", first, count, records, slot, lengths);
            for (var j = 0; j < count; j++)
            {
                var i = first + j;
                if (i % 7 == 3)
                {
                    Assert.Equal(-1, lengths[j]);
                    continue;
                }
                Assert.Equal(4096 + (i % 2 * 28), lengths[j]);
                Assert.Equal(Block("vol-m", i, lengths[j]), records.AsSpan(j * slot, lengths[j]).ToArray());
            }
        }
        Assert.Throws<ArgumentException>(() => store.ReadMany("vol-m", 0, 2, new byte[slot], slot, new int[2]));
    }

    [Fact]
    public async Task Too_small_destination_is_rejected()
    {
        await using var store = new FasterBlockStore(_dir.Path, Small);
        store.Write("vol-1", 5, Block("vol-1", 5));
        Assert.Throws<ArgumentException>(() => store.TryRead("vol-1", 5, new byte[100], out _));
        Assert.Throws<ArgumentException>(() => store.Write(new string('v', FasterBlockStore.MaxVolumeIdBytes + 1), 0, [1]));
    }

    [Fact]
    public async Task Flushed_writes_survive_reopen_including_records_read_back_from_disk()
    {
        const int blocks = 2_000; // ~8 MiB: far more than the 1 MiB in memory
        await using (var store = new FasterBlockStore(_dir.Path, Small))
        {
            for (var i = 0; i < blocks; i++)
            {
                store.Write("vol-a", i, Block("vol-a", i));
            }
            store.Delete("vol-a", 7);
            await store.FlushAsync();

            var buffer = new byte[4096];
            Assert.True(store.TryRead("vol-a", 3, buffer, out _)); // evicted from memory by now
            Assert.Equal(Block("vol-a", 3), buffer);
        }
        await using (var store = new FasterBlockStore(_dir.Path, Small))
        {
            var buffer = new byte[4096];
            for (var i = 0; i < blocks; i++)
            {
                if (i == 7)
                {
                    Assert.False(store.TryRead("vol-a", i, buffer, out _));
                    continue;
                }
                Assert.True(store.TryRead("vol-a", i, buffer, out var length), $"block {i}");
                Assert.Equal(4096, length);
                Assert.Equal(Block("vol-a", i), buffer);
            }
            // New writes after recovery, kept by the final checkpoint in DisposeAsync without an explicit flush.
            store.Write("vol-a", 7, Block("vol-a", 7));
        }
        await using (var store = new FasterBlockStore(_dir.Path, Small))
        {
            var buffer = new byte[4096];
            Assert.True(store.TryRead("vol-a", 7, buffer, out _));
            Assert.Equal(Block("vol-a", 7), buffer);
        }
    }

    [Fact]
    public async Task Concurrent_writers_and_flushes()
    {
        await using (var store = new FasterBlockStore(_dir.Path, Small))
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                var volume = $"vol-{w}";
                var buffer = new byte[4096];
                for (var i = 0; i < 100; i++)
                {
                    store.Write(volume, i, Block(volume, i));
                    if (i % 10 == 9)
                    {
                        await store.FlushAsync();
                    }
                    Assert.True(store.TryRead(volume, i / 2, buffer, out _));
                    Assert.Equal(Block(volume, i / 2), buffer);
                }
            })));
            await store.FlushAsync();
            await store.FlushAsync(); // nothing new: no checkpoint needed
        }
        await using (var store = new FasterBlockStore(_dir.Path, Small))
        {
            var buffer = new byte[4096];
            for (var w = 0; w < 4; w++)
            {
                for (var i = 0; i < 100; i++)
                {
                    Assert.True(store.TryRead($"vol-{w}", i, buffer, out _));
                    Assert.Equal(Block($"vol-{w}", i), buffer);
                }
            }
        }
    }

    [Fact]
    public async Task Every_flush_returns_however_flushes_interleave_with_the_flush_loop_stopping()
    {
        // With nothing to checkpoint, each flush starts the flush loop, which serves it and stops at once: a flush
        // arriving while the loop was stopping once saw the loop's task still running, started none, and hung.
        await using var store = new FasterBlockStore(_dir.Path, Small with { Compaction = false, SyncDirectoriesOnFlush = false });
        store.Write("vol-a", 0, Block("vol-a", 0));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(f => Task.Run(async () =>
        {
            var random = new Random(f);
            for (var i = 0; i < 10_000; i++)
            {
                // Varied pauses move each flush across the loop's stopping window.
                Thread.SpinWait(random.Next(2_000));
                // Generous: a flush with nothing new returns in microseconds.
                await store.FlushAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            }
        })));
    }
}
