using System.Text;
using SseSim.Core.Storage;

namespace SseSim.Storage.Faster.Tests;

public sealed class FasterKeyValueStoreTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Put_get_overwrite_delete()
    {
        await using var store = new FasterKeyValueStore(_dir.Path);
        Assert.False(store.TryGet("a", out _));

        await store.PutAsync("a", Bytes("1"));
        Assert.True(store.TryGet("a", out var v));
        Assert.Equal("1", Encoding.UTF8.GetString(v));

        await store.PutAsync("a", Bytes("2"));
        Assert.True(store.TryGet("a", out v));
        Assert.Equal("2", Encoding.UTF8.GetString(v));

        await store.DeleteAsync("a");
        Assert.False(store.TryGet("a", out _));
        await store.DeleteAsync("never-existed");
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task Stored_value_is_a_copy_of_the_callers_array()
    {
        await using var store = new FasterKeyValueStore(_dir.Path);
        var value = Bytes("abc");
        await store.PutAsync("k", value);
        value[0] = (byte)'X';
        Assert.True(store.TryGet("k", out var stored));
        Assert.Equal("abc", Encoding.UTF8.GetString(stored));
    }

    [Fact]
    public async Task Scan_is_ordinal_and_honours_prefix_after_and_limit()
    {
        await using var store = new FasterKeyValueStore(_dir.Path);
        string[] keys = ["a", "a/1", "a/10", "a/2", "a/", "ab", "b", "B", "", "é", "a\uffff", "a/\u00e9", "z", "aa"];
        await store.ApplyAsync(keys.Select(k => new KvMutation(k, Bytes(k))).ToArray());

        Assert.Equal(keys.Order(StringComparer.Ordinal), store.Scan("").Select(kv => kv.Key));
        Assert.Equal(["a/", "a/1", "a/10", "a/2", "a/\u00e9"], store.Scan("a/").Select(kv => kv.Key));
        Assert.Equal(["a/10", "a/2"], store.Scan("a/", after: "a/1", limit: 2).Select(kv => kv.Key));
        Assert.Equal(["a/1"], store.Scan("a/", after: "a/0", limit: 1).Select(kv => kv.Key));
        Assert.Empty(store.Scan("a/", after: "a/\u00e9"));
        Assert.Empty(store.Scan("a/", after: "b"));
        Assert.Equal(["a/", "a/1"], store.Scan("a/", after: "a", limit: 2).Select(kv => kv.Key));
        Assert.Empty(store.Scan("c"));
        Assert.Empty(store.Scan("zz"));
        Assert.Empty(store.Scan("a", limit: 0));
        Assert.All(store.Scan(""), kv => Assert.Equal(kv.Key, Encoding.UTF8.GetString(kv.Value)));
    }

    [Fact]
    public async Task Scan_matches_the_in_memory_store_on_random_data()
    {
        var random = new Random(1234);
        await using var store = new FasterKeyValueStore(_dir.Path);
        var oracle = new InMemoryKeyValueStore();
        const string alphabet = "ab/\u00e9Z0";
        string RandomKey() => new(Enumerable.Range(0, random.Next(0, 5)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());

        for (var round = 0; round < 60; round++)
        {
            var batch = Enumerable.Range(0, random.Next(1, 8))
                .Select(_ => new KvMutation(RandomKey(), random.Next(4) == 0 ? null : Bytes(RandomKey())))
                .ToArray();
            await store.ApplyAsync(batch);
            await oracle.ApplyAsync(batch);
        }
        for (var i = 0; i < 300; i++)
        {
            var prefix = RandomKey();
            var after = random.Next(3) == 0 ? null : RandomKey();
            var limit = random.Next(3) == 0 ? int.MaxValue : random.Next(0, 6);
            var expected = oracle.Scan(prefix, after, limit);
            var actual = store.Scan(prefix, after, limit);
            Assert.Equal(expected.Select(kv => kv.Key), actual.Select(kv => kv.Key));
            Assert.Equal(expected.Select(kv => Convert.ToHexString(kv.Value)), actual.Select(kv => Convert.ToHexString(kv.Value)));
        }
    }

    [Fact]
    public async Task Scan_seeks_instead_of_walking_a_large_table()
    {
        await using var store = new FasterKeyValueStore(_dir.Path);
        const int n = 200_000;
        for (var start = 0; start < n; start += 10_000)
        {
            await store.ApplyAsync(Enumerable.Range(start, 10_000).Select(i => new KvMutation($"obj/{i:D7}", [1])).ToArray());
        }
        // Page through the tail end of the table; a full walk per page would take seconds, a seek microseconds.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        string? after = $"obj/{n - 5_001:D7}";
        var seen = 0;
        for (var page = 0; page < 500; page++)
        {
            var result = store.Scan("obj/", after, limit: 10);
            seen += result.Count;
            after = result[^1].Key;
        }
        watch.Stop();
        Assert.Equal(5_000, seen);
        Assert.True(watch.ElapsedMilliseconds < 2_000, $"500 pages took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Batch_is_applied_as_a_whole()
    {
        await using var store = new FasterKeyValueStore(_dir.Path);
        await store.PutAsync("gone", Bytes("x"));
        await store.ApplyAsync([new KvMutation("one", Bytes("1")), new KvMutation("gone", null), new KvMutation("two", Bytes("2")), new KvMutation("one", Bytes("1b"))]);
        Assert.True(store.TryGet("one", out var one));
        Assert.Equal("1b", Encoding.UTF8.GetString(one));
        Assert.True(store.TryGet("two", out _));
        Assert.False(store.TryGet("gone", out _));
    }

    [Fact]
    public async Task Invalid_key_rejects_the_whole_batch()
    {
        await using var store = new FasterKeyValueStore(_dir.Path);
        await Assert.ThrowsAsync<ArgumentException>(async () =>
            await store.ApplyAsync([new KvMutation("fine", Bytes("1")), new KvMutation("bad\ud800", Bytes("2"))]));
        Assert.False(store.TryGet("fine", out _));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task Reopen_recovers_every_acknowledged_write()
    {
        var big = new byte[5 << 20]; // larger than a log page: stored as fragments
        new Random(7).NextBytes(big);
        await using (var store = new FasterKeyValueStore(_dir.Path))
        {
            await store.PutAsync("big", big);
            await store.PutAsync("empty", []);
            await store.PutAsync("ключ/\u00e9/\U0001F600", Bytes("unicode"));
            await store.PutAsync("overwritten", Bytes("old"));
            await store.PutAsync("overwritten", Bytes("new"));
            await store.PutAsync("deleted", Bytes("x"));
            await store.DeleteAsync("deleted");
            for (var i = 0; i < 500; i++)
            {
                await store.PutAsync($"n/{i:D4}", BitConverter.GetBytes(i));
            }
        }

        await using (var store = new FasterKeyValueStore(_dir.Path))
        {
            Assert.True(store.TryGet("big", out var b));
            Assert.Equal(big, b);
            Assert.True(store.TryGet("empty", out var e));
            Assert.Empty(e);
            Assert.True(store.TryGet("ключ/\u00e9/\U0001F600", out var u));
            Assert.Equal("unicode", Encoding.UTF8.GetString(u));
            Assert.True(store.TryGet("overwritten", out var o));
            Assert.Equal("new", Encoding.UTF8.GetString(o));
            Assert.False(store.TryGet("deleted", out _));
            Assert.Equal(500, store.Scan("n/").Count);
            Assert.Equal(499, BitConverter.ToInt32(store.Scan("n/", after: "n/0498")[0].Value));

            // Writes after a reopen append to the recovered log.
            await store.PutAsync("after-reopen", Bytes("y"));
        }

        await using (var store = new FasterKeyValueStore(_dir.Path))
        {
            Assert.True(store.TryGet("after-reopen", out _));
            Assert.True(store.TryGet("big", out var b));
            Assert.Equal(big, b);
            Assert.Equal(505, store.Count);
        }
    }

    [Fact]
    public async Task Compaction_keeps_live_keys_drops_deleted_ones_and_frees_segments()
    {
        var options = new FasterLogOptions
        {
            PageSizeBits = 14,
            MemorySizeBits = 16,
            SegmentSizeBits = 16,
            CompactionThresholdBytes = 128 << 10,
        };
        var oracle = new InMemoryKeyValueStore();
        long written = 0;
        await using (var store = new FasterKeyValueStore(_dir.Path, options))
        {
            // Writers own disjoint keys, so the final state does not depend on how they interleave.
            await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                var random = new Random(w);
                for (var i = 0; i < 400; i++)
                {
                    var key = $"w{w}/k{random.Next(50):D3}";
                    var value = random.Next(5) == 0 ? null : new byte[random.Next(100, 2_000)];
                    if (value is not null)
                    {
                        random.NextBytes(value);
                        Interlocked.Add(ref written, value.Length);
                    }
                    KvMutation[] batch = [new KvMutation(key, value)];
                    await store.ApplyAsync(batch);
                    await oracle.ApplyAsync(batch);
                }
            })));
            AssertSameContent(oracle, store);
        }

        // Over 1 MB went through a log that compacts at 128 KiB (or twice the live data): old segments must be gone.
        Assert.True(written > 1_000_000);
        var logBytes = Directory.GetFiles(_dir.Path, "log.*").Sum(f => new FileInfo(f).Length);
        Assert.True(logBytes < 1_000_000, $"log files hold {logBytes} bytes after compaction");
        Assert.False(File.Exists(Path.Combine(_dir.Path, "log.0")), "the first segment should have been truncated away");

        await using (var store = new FasterKeyValueStore(_dir.Path, options))
        {
            AssertSameContent(oracle, store);
            // Keep writing after recovery from a compacted log, then reopen once more.
            await store.PutAsync("k-after", [42]);
            await oracle.PutAsync("k-after", [42]);
        }
        await using (var store = new FasterKeyValueStore(_dir.Path, options))
        {
            AssertSameContent(oracle, store);
        }
    }

    [Fact]
    public async Task Concurrent_writers_are_all_durable()
    {
        const int writers = 8;
        const int perWriter = 200;
        await using (var store = new FasterKeyValueStore(_dir.Path))
        {
            await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < perWriter; i++)
                {
                    await store.PutAsync($"w{w}/{i:D4}", Bytes($"{w}:{i}"));
                }
            })));
        }
        await using (var store = new FasterKeyValueStore(_dir.Path))
        {
            Assert.Equal(writers * perWriter, store.Count);
            for (var w = 0; w < writers; w++)
            {
                var rows = store.Scan($"w{w}/");
                Assert.Equal(perWriter, rows.Count);
                Assert.All(rows, kv => Assert.Equal($"{w}:{int.Parse(kv.Key[(kv.Key.IndexOf('/') + 1)..])}", Encoding.UTF8.GetString(kv.Value)));
            }
        }
    }

    [Fact]
    public async Task Concurrent_readers_and_writers_do_not_interfere()
    {
        await using var store = new FasterKeyValueStore(_dir.Path);
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var scans = 0;
            while (!stop.IsCancellationRequested)
            {
                var rows = store.Scan("k/", limit: 50);
                // Keys are only ever added, each once, so a scan must be strictly ordered.
                for (var i = 1; i < rows.Count; i++)
                {
                    Assert.True(string.CompareOrdinal(rows[i - 1].Key, rows[i].Key) < 0);
                }
                scans++;
            }
            return scans;
        })).ToArray();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await store.PutAsync($"k/{w}/{i:D3}", [1]);
            }
        })));
        await stop.CancelAsync();
        var counts = await Task.WhenAll(readers);
        Assert.All(counts, c => Assert.True(c > 0));
        Assert.Equal(400, store.Count);
    }

    [Fact]
    public async Task Disposed_store_refuses_calls()
    {
        var store = new FasterKeyValueStore(_dir.Path);
        await store.DisposeAsync();
        await store.DisposeAsync();
        Assert.Throws<ObjectDisposedException>(() => store.TryGet("a", out _));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.PutAsync("a", [1]));
    }

    private static void AssertSameContent(IKeyValueStore expected, IKeyValueStore actual)
    {
        var e = expected.Scan("");
        var a = actual.Scan("");
        Assert.Equal(e.Select(kv => kv.Key), a.Select(kv => kv.Key));
        Assert.Equal(e.Select(kv => Convert.ToHexString(kv.Value)), a.Select(kv => Convert.ToHexString(kv.Value)));
    }
}
