using System.Buffers.Binary;

namespace SseSim.Storage.Faster.Tests;

public sealed class FasterBlockStoreCompactionTests : IDisposable
{
    private const int Blocks = 128; // 512 KiB of live data

    // Small memory so most records are read back from disk; small segments so truncation frees space in fine steps.
    private static readonly FasterBlockStoreOptions Compacting = new()
    {
        IndexSizeBytes = 1L << 16,
        MemorySizeBytes = 1L << 20,
        PageSizeBytes = 1L << 16,
        SegmentSizeBytes = 1L << 20,
        CompactionThresholdBytes = 3L << 20,
        CompactionStepBytes = 1L << 20,
    };

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Block <paramref name="index"/> as written the <paramref name="version"/>-th time; it names both in its first 16 bytes.</summary>
    private static byte[] Versioned(long index, long version)
    {
        var bytes = new byte[4096];
        new Random(HashCode.Combine(index, version)).NextBytes(bytes);
        BinaryPrimitives.WriteInt64BigEndian(bytes, index);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(8), version);
        return bytes;
    }

    private long DiskBytes() =>
        new DirectoryInfo(_dir.Path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    private static void AssertLatest(FasterBlockStore store, int rounds)
    {
        var buffer = new byte[4096];
        for (var i = 0; i < Blocks; i++)
        {
            Assert.True(store.TryRead("vol-c", i, buffer, out var length), $"block {i} is missing");
            Assert.Equal(4096, length);
            Assert.Equal(Versioned(i, rounds - 1), buffer);
        }
    }

    [Fact]
    public async Task Overwriting_the_same_blocks_keeps_disk_use_bounded_and_every_latest_value_across_restart()
    {
        const int rounds = 80; // ~41 MiB of records appended in all
        long maxDisk = 0;
        await using (var store = new FasterBlockStore(_dir.Path, Compacting))
        {
            for (var round = 0; round < rounds; round++)
            {
                for (var i = 0; i < Blocks; i++)
                {
                    store.Write("vol-c", i, Versioned(i, round));
                }
                await store.FlushAsync();
                maxDisk = Math.Max(maxDisk, DiskBytes());
            }
            // Compaction steps run after flushes; give the last pass its steps, until the log has stopped changing.
            // A second flush returns only after the step the first one started, and every step moves the begin
            // address, so an unchanged span over several rounds means no step is left to change the disk at dispose.
            var lastSpan = -1L;
            for (var (wait, stable) = (0, 0); wait < 400 && stable < 3; wait++)
            {
                await store.FlushAsync();
                await store.FlushAsync();
                await Task.Delay(20);
                var span = store.LogSpan;
                stable = span == lastSpan && span <= Compacting.CompactionThresholdBytes && DiskBytes() <= 8L << 20 ? stable + 1 : 0;
                lastSpan = span;
            }
            Assert.Null(store.CompactionError);
            Assert.True(store.CompactionPasses >= 3, $"{store.CompactionPasses} compaction passes");
            AssertLatest(store, rounds);
        }
        // Without compaction the log would hold all ~41 MiB; with it, about threshold + step + a segment.
        Assert.True(maxDisk < 12L << 20, $"disk use reached {maxDisk} bytes");
        Assert.True(DiskBytes() < 8L << 20, $"disk use after the last pass is {DiskBytes()} bytes");

        await using (var store = new FasterBlockStore(_dir.Path, Compacting))
        {
            AssertLatest(store, rounds);
            // And it keeps working after recovery: more overwrites, more passes, still bounded.
            for (var round = rounds; round < rounds + 30; round++)
            {
                for (var i = 0; i < Blocks; i++)
                {
                    store.Write("vol-c", i, Versioned(i, round));
                }
                await store.FlushAsync();
            }
            AssertLatest(store, rounds + 30);
        }
        Assert.True(DiskBytes() < 12L << 20, $"disk use after reopening is {DiskBytes()} bytes");
        await using (var store = new FasterBlockStore(_dir.Path, Compacting))
        {
            AssertLatest(store, rounds + 30);
        }
    }

    [Fact]
    public async Task Without_compaction_the_same_overwrites_grow_the_log()
    {
        // The control for the test above: proves the workload would not stay small on its own.
        await using var store = new FasterBlockStore(_dir.Path, Compacting with { Compaction = false });
        for (var round = 0; round < 40; round++)
        {
            for (var i = 0; i < Blocks; i++)
            {
                store.Write("vol-c", i, Versioned(i, round));
            }
            await store.FlushAsync();
        }
        Assert.Equal(0, store.CompactionPasses);
        Assert.True(DiskBytes() > 16L << 20, $"disk use is only {DiskBytes()} bytes");
    }

    [Fact]
    public async Task Reads_and_deletes_racing_compaction_never_miss_a_block_or_see_a_stale_one()
    {
        const int writers = 2;
        const int perWriter = Blocks / writers;
        var latest = new long[Blocks]; // version each block is known to have reached (written and visible)
        var deleted = new int[Blocks]; // 1 while the writer has the block deleted
        await using var store = new FasterBlockStore(_dir.Path, Compacting);
        for (var i = 0; i < Blocks; i++)
        {
            store.Write("vol-c", i, Versioned(i, 0));
        }
        using var stop = new CancellationTokenSource();
        var errors = new List<string>();

        var writerTasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var version = 1; version <= 30; version++)
            {
                for (var i = w * perWriter; i < (w + 1) * perWriter; i++)
                {
                    if (i % 16 == 5 && version % 10 == 0)
                    {
                        Volatile.Write(ref deleted[i], 1);
                        store.Delete("vol-c", i);
                    }
                    store.Write("vol-c", i, Versioned(i, version));
                    Volatile.Write(ref deleted[i], 0);
                    Volatile.Write(ref latest[i], version);
                }
                await store.FlushAsync();
            }
        })).ToArray();

        var readerTasks = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            var buffer = new byte[4096];
            var many = new byte[16 * 4096];
            var lengths = new int[16];
            var random = new Random(r);
            while (!stop.IsCancellationRequested)
            {
                var first = random.Next(Blocks - 16);
                var floors = new long[16];
                for (var j = 0; j < 16; j++)
                {
                    floors[j] = Volatile.Read(ref latest[first + j]);
                }
                store.ReadMany("vol-c", first, 16, many, 4096, lengths);
                for (var j = 0; j < 16; j++)
                {
                    Check(first + j, floors[j], lengths[j] == -1 ? [] : many.AsSpan(j * 4096, 4096));
                }
                var single = random.Next(Blocks);
                var floor = Volatile.Read(ref latest[single]);
                Check(single, floor, store.TryRead("vol-c", single, buffer, out _) ? buffer : []);
            }
        })).ToArray();

        void Check(long index, long floor, ReadOnlySpan<byte> record)
        {
            if (record.IsEmpty)
            {
                // Only a block its writer has deleted right now may be missing.
                if (Volatile.Read(ref deleted[index]) == 0 && Volatile.Read(ref latest[index]) == floor)
                {
                    lock (errors)
                    {
                        errors.Add($"block {index} missing (version {floor} written)");
                    }
                }
                return;
            }
            var version = BinaryPrimitives.ReadInt64BigEndian(record[8..]);
            if (BinaryPrimitives.ReadInt64BigEndian(record) != index || version < floor || !record.SequenceEqual(Versioned(index, version)))
            {
                lock (errors)
                {
                    errors.Add($"block {index}: read version {version}, expected at least {floor}");
                }
            }
        }

        await Task.WhenAll(writerTasks);
        await stop.CancelAsync();
        await Task.WhenAll(readerTasks);
        Assert.Empty(errors);
        Assert.Null(store.CompactionError);
        Assert.True(store.CompactionPasses >= 1, "no compaction pass ran");
        AssertLatest(store, 31);
    }

    [Fact]
    public async Task Compaction_finishes_while_writes_to_keys_sharing_its_hash_entries_go_on()
    {
        // A tiny hash index, so most keys share a hash entry with others. FASTER's compaction copy (ConditionalCopyToTail)
        // retried its CAS with the entry it first saw, so one write to another key of that entry during the copy made it
        // spin forever: the step never ended, and every later flush waited on it.
        var options = Compacting with { IndexSizeBytes = 1L << 9, SyncDirectoriesOnFlush = false };
        await using var store = new FasterBlockStore(_dir.Path, options);
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 2).Select(w => Task.Factory.StartNew(() =>
        {
            var random = new Random(w);
            for (var version = 0L; !stop.IsCancellationRequested; version++)
            {
                var i = random.Next(Blocks * 4);
                store.Write(w == 0 ? "vol-c" : "vol-d", i, Versioned(i, version));
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        try
        {
            // Each flush waits for the compaction step the previous one started; a stuck step never lets one return.
            var flushes = Task.Run(async () =>
            {
                while (store.CompactionPasses < 2)
                {
                    await store.FlushAsync();
                }
            });
            var finished = await Task.WhenAny(flushes, Task.Delay(TimeSpan.FromMinutes(3)));
            Assert.True(finished == flushes, $"flushes stopped returning after {store.CompactionPasses} compaction passes (begin address stuck); log span {store.LogSpan}, disk {DiskBytes()}");
            await flushes;
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }
        Assert.Null(store.CompactionError);
    }

    [Fact]
    public async Task Compaction_copies_every_live_record_from_disk_intact_whatever_its_step_size()
    {
        // Every record is live and most are on disk when the pass runs, so every one is copied from a page read back
        // from the device. A step of 300 KiB ends in the middle of a record; FASTER 2.6.5 reads the last page of a
        // scan only up to the scan's end, so the record straddling it was copied with its tail zeroed (one corrupt
        // block per step, found as tag mismatches on encrypted volumes).
        const int blocks = 1024;
        var options = Compacting with { CompactionThresholdBytes = 2L << 20, CompactionStepBytes = 300L << 10, SyncDirectoriesOnFlush = false };
        await using var store = new FasterBlockStore(_dir.Path, options);
        for (var i = 0; i < blocks; i++)
        {
            store.Write("vol-c", i, Versioned(i, 0));
        }
        for (var wait = 0; wait < 400 && store.CompactionPasses < 1; wait++)
        {
            await store.FlushAsync();
            await Task.Delay(10);
        }
        Assert.Null(store.CompactionError);
        Assert.True(store.CompactionPasses >= 1, "no compaction pass ran");
        var buffer = new byte[4096];
        var corrupt = new List<int>();
        for (var i = 0; i < blocks; i++)
        {
            Assert.True(store.TryRead("vol-c", i, buffer, out var length), $"block {i} is missing");
            Assert.Equal(4096, length);
            if (!buffer.AsSpan().SequenceEqual(Versioned(i, 0)))
            {
                corrupt.Add(i);
            }
        }
        Assert.True(corrupt.Count == 0, $"{corrupt.Count} blocks differ after compaction: {string.Join(", ", corrupt)}");
    }
}
