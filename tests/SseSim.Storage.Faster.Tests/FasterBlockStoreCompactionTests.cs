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
    public async Task A_write_stream_faster_than_compaction_is_held_back_so_the_log_stays_bounded()
    {
        // Two tight-loop writers over 4 MiB of blocks and back-to-back flushes (as NBD clients with FUA send them).
        // Compaction reads most records back from disk and shares the cores with the writers; without back-pressure
        // each pass ended later than the last and the log grew with the stream (70-150 MiB here, still growing).
        const int keys = 1024;
        const long written = 100L << 20;
        var options = Compacting with { SyncDirectoriesOnFlush = false };
        await using var store = new FasterBlockStore(_dir.Path, options);
        var appended = 0L;
        var maxSpan = 0L;
        var maxLive = 0L;
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 2).Select(w => Task.Factory.StartNew(() =>
        {
            var random = new Random(w);
            for (var version = 0L; Interlocked.Add(ref appended, 4096) <= written; version++)
            {
                var i = random.Next(keys);
                store.Write("vol-c", i, Versioned(i, version));
                InterlockedMax(ref maxSpan, store.LogSpan);
                InterlockedMax(ref maxLive, store.LiveEstimate);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        var flusher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await store.FlushAsync();
            }
        });
        var all = Task.WhenAll(writers);
        var finished = await Task.WhenAny(all, Task.Delay(TimeSpan.FromMinutes(4)));
        await stop.CancelAsync();
        Assert.True(finished == all, $"writes stopped returning; log span {store.LogSpan}, passes {store.CompactionPasses}");
        await all;
        await flusher;
        Assert.Null(store.CompactionError);
        Assert.True(store.CompactionPasses >= 3, $"{store.CompactionPasses} compaction passes");
        Assert.True(store.WriteWaits > 0, "no write waited for compaction");
        // Live data is at most the 1,024 blocks (~4.1 MiB with keys and headers), so the ceiling is at most
        // max(2 × 3 MiB, 4 × 4.1 MiB) ~ 16.5 MiB. Writes stop above it; the log can pass it only by the writes already
        // past their check and by the copies of the step they wait for (a step is 1 MiB). Twice that ceiling leaves
        // room for a live estimate above the working set, yet is far below what the stream reaches without the wait.
        Assert.True(maxLive < 8L << 20, $"the live estimate reached {maxLive} bytes for ~4 MiB of blocks");
        Assert.True(maxSpan < 33L << 20, $"the log reached {maxSpan} bytes while 100 MiB were written ({store.CompactionPasses} passes, {store.WriteWaits} waits)");
    }

    [Fact]
    public async Task Writes_waiting_for_compaction_are_released_when_the_store_is_disposed()
    {
        // The lowest ceiling (the threshold), and writers over a working set of a sixth of it with back-to-back
        // flushes (without checkpoints, overwrites of records in memory would not append), so they soon wait.
        var options = Compacting with { SyncDirectoriesOnFlush = false, CompactionCeilingBytes = 0 };
        var store = new FasterBlockStore(_dir.Path, options);
        var flusher = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await store.FlushAsync();
                }
            }
            catch (ObjectDisposedException)
            {
                // Expected once the store is disposed.
            }
        });
        var writers = Enumerable.Range(0, 2).Select(w => Task.Factory.StartNew(() =>
        {
            var random = new Random(w);
            try
            {
                for (var version = 0L; ; version++)
                {
                    var i = random.Next(Blocks);
                    store.Write("vol-c", i, Versioned(i, version));
                }
            }
            catch (ObjectDisposedException)
            {
                // Expected once the store is disposed.
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        for (var wait = 0; wait < 6000 && store.WritesWaiting < 2 && !writers.Any(t => t.IsCompleted); wait++)
        {
            await Task.Delay(1);
        }
        Assert.True(store.WritesWaiting == 2, $"{store.WritesWaiting} writes wait for compaction ({store.WriteWaits} waits so far)");
        // A write a step releases meanwhile finishes or fails with ObjectDisposedException, never touches a closed store.
        await store.DisposeAsync();
        var all = Task.WhenAll(writers);
        var finished = await Task.WhenAny(all, Task.Delay(TimeSpan.FromMinutes(1)));
        Assert.True(finished == all, "writes waiting for compaction were not released by DisposeAsync");
        await all;
        await flusher;
        Assert.Throws<ObjectDisposedException>(() => store.Write("vol-c", 0, Versioned(0, 0)));
    }

    [Fact]
    public async Task With_compaction_off_writes_never_wait_for_it()
    {
        // The log passes the lowest ceiling (the threshold) soon; with compaction off there is no step to wait for.
        var options = Compacting with { SyncDirectoriesOnFlush = false, Compaction = false, CompactionCeilingBytes = 0 };
        await using var store = new FasterBlockStore(_dir.Path, options);
        for (var round = 0; round < 20; round++)
        {
            for (var i = 0; i < Blocks; i++)
            {
                store.Write("vol-c", i, Versioned(i, round));
            }
            await store.FlushAsync();
        }
        Assert.True(store.LogSpan > 8L << 20, $"log span {store.LogSpan}");
        Assert.Equal(0, store.WriteWaits);
        Assert.Equal(0, store.CompactionPasses);
        AssertLatest(store, 20);
    }

    [Fact]
    public async Task Concurrent_writes_of_the_same_blocks_leave_no_record_that_compactions_scan_would_misread()
    {
        // In FASTER 2.6.5, an upsert that loses its hash-entry CAS to a concurrent write of the same key keeps its new
        // record for a retry, marked invalid with the record's size in the key-length field; a retry that updates the
        // winner in place leaves it so, and compaction's scan, sizing it by that field, read past it into payload and
        // crashed the process (AccessViolationException in ScanIterator.GetNext). Before writes were serialized, four
        // writers over 256 blocks with back-to-back flushes left such a record in about one run of three (a race, so
        // this catches a regression only sometimes; the tight-writer test above then crashes). Every record here is
        // 4,136 bytes (8 header, 4 + 13 key padded to 24, 4 + 4,096 value), 15 to a 64 KiB page, so the segment
        // files can be checked record by record.
        var options = Compacting with { Compaction = false, SyncDirectoriesOnFlush = false };
        var appended = 0L;
        await using (var store = new FasterBlockStore(_dir.Path, options))
        {
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 4).Select(w => Task.Factory.StartNew(() =>
            {
                var random = new Random(w);
                var record = Versioned(0, w);
                while (Interlocked.Add(ref appended, 4096) <= 40L << 20)
                {
                    store.Write("vol-c", random.Next(256), record);
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
            var flusher = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await store.FlushAsync();
                }
            });
            await Task.WhenAll(writers);
            await stop.CancelAsync();
            await flusher;
        }
        const int recordSize = 4136;
        const int pageSize = 1 << 16;
        var (records, misread) = (0, new List<string>());
        foreach (var file in Directory.GetFiles(_dir.Path, "hlog.log.*"))
        {
            var data = await File.ReadAllBytesAsync(file);
            for (var page = 0; page + pageSize <= data.Length; page += pageSize)
            {
                // The log's first page starts 64 bytes in.
                for (var offset = page == 0 && file.EndsWith(".0", StringComparison.Ordinal) ? 64 : 0; offset + recordSize <= pageSize; offset += recordSize)
                {
                    var record = data.AsSpan(page + offset);
                    if (BinaryPrimitives.ReadInt64LittleEndian(record) == 0)
                    {
                        continue;
                    }
                    records++;
                    var keyLength = BinaryPrimitives.ReadInt32LittleEndian(record[8..]);
                    if (keyLength != "vol-c".Length + sizeof(long))
                    {
                        misread.Add($"{Path.GetFileName(file)} @{page + offset}: key length {keyLength}");
                    }
                }
            }
        }
        Assert.True(records > 4000, $"only {records} records on disk");
        Assert.Empty(misread);
    }

    private static void InterlockedMax(ref long location, long value)
    {
        for (var current = Volatile.Read(ref location); value > current;)
        {
            var seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
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
