using System.Diagnostics;
using SseSim.Core.Storage;
using SseSim.Storage.Faster.CrashHelper;

namespace SseSim.Storage.Faster.Tests;

/// <summary>
/// kill -9 tests: a child process writes continuously and prints each acknowledgement; the test kills it with
/// SIGKILL mid-write and checks that every acknowledged write is present after recovery.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Table_keeps_every_acknowledged_batch_whole_after_kill_9()
    {
        var acked = new List<string>();
        // Two crash rounds: the second recovers the first one's log, appends after its torn tail and is killed too.
        acked.AddRange(await RunAndKillAsync("table", "one", minAcks: 300));
        acked.AddRange(await RunAndKillAsync("table", "two", minAcks: 300));

        await using (var provider = new FasterStorageProvider(_dir.Path))
        {
            var table = provider.OpenTable("t");
            foreach (var key in acked)
            {
                Assert.True(table.TryGet(key, out var value), $"acknowledged key {key} is missing");
                Assert.Equal(CrashPayload.For(key, 100), value);
                Assert.True(table.TryGet(key + "/twin", out var twin), $"acknowledged key {key}/twin is missing");
                Assert.Equal(CrashPayload.For(key, 3000), twin);
            }
            // Batches that were in flight at the kill may or may not be there, but never half.
            var all = table.Scan("").Select(kv => kv.Key).ToHashSet();
            foreach (var key in all)
            {
                Assert.Contains(key.EndsWith("/twin", StringComparison.Ordinal) ? key[..^"/twin".Length] : key + "/twin", all);
            }

            await table.PutAsync("after-crash", [1]);
        }
        await using (var provider = new FasterStorageProvider(_dir.Path))
        {
            Assert.True(provider.OpenTable("t").TryGet("after-crash", out _));
        }
    }

    [Fact]
    public async Task Append_log_keeps_every_acknowledged_record_after_kill_9()
    {
        var acked = await RunAndKillAsync("log", "one", minAcks: 300);

        await using var provider = new FasterStorageProvider(_dir.Path);
        var records = provider.OpenLog("l").ReadAll().Select(CrashPayload.ParseRecord).ToList();
        var ids = records.Select(r => r.Id).ToHashSet();
        foreach (var id in acked)
        {
            Assert.Contains(id, ids);
        }
        Assert.All(records, r => Assert.Equal(CrashPayload.For(r.Id, 200), r.Payload));
        // Each writer appends in sequence, so its surviving records form a gap-free prefix.
        foreach (var writer in records.GroupBy(r => r.Id[..r.Id.LastIndexOf('/')]))
        {
            var numbers = writer.Select(r => int.Parse(r.Id[(r.Id.LastIndexOf('/') + 2)..])).ToList();
            Assert.Equal(Enumerable.Range(0, numbers.Count), numbers);
        }
    }

    [Fact]
    public async Task Block_store_keeps_every_flushed_write_after_kill_9()
    {
        var acked = new List<string>();
        acked.AddRange(await RunAndKillAsync("block", "one", minAcks: 150));
        acked.AddRange(await RunAndKillAsync("block", "two", minAcks: 150));

        await using var store = new FasterBlockStore(_dir.Path, CrashPayload.BlockStoreOptions);
        var buffer = new byte[4096];
        foreach (var ack in acked)
        {
            var volume = ack[..ack.IndexOf(' ')];
            var block = long.Parse(ack[(ack.IndexOf(' ') + 1)..]);
            Assert.True(store.TryRead(volume, block, buffer, out var length), $"acknowledged block {ack} is missing");
            Assert.Equal(4096, length);
            Assert.Equal(CrashPayload.For($"{volume}/{block}", 4096), buffer);
        }
    }

    [Fact]
    public async Task Block_store_compacting_under_overwrites_keeps_every_flushed_version_after_kill_9()
    {
        // Each ack is "<volume> <first block> <version>": blocks first..first+15 hold that version or the next one
        // (a writer has at most one unacknowledged flush in flight). Two kills: the second run recovers a compacted
        // log and compacts it again, copying the first run's blocks along.
        var acked = new List<string>();
        acked.AddRange(await RunAndKillAsync("overwrite", "one", minAcks: 300));
        acked.AddRange(await RunAndKillAsync("overwrite", "two", minAcks: 300));
        var passes = acked.Where(a => a.StartsWith("PASS ", StringComparison.Ordinal)).Select(a => long.Parse(a[5..])).ToList();
        Assert.True(passes.Count > 0, "no compaction pass finished before the kills");

        var latest = new Dictionary<(string Volume, int Block), int>();
        foreach (var ack in acked.Where(a => !a.StartsWith("PASS ", StringComparison.Ordinal)))
        {
            var parts = ack.Split(' ');
            for (var b = int.Parse(parts[1]); b < int.Parse(parts[1]) + 16; b++)
            {
                latest[(parts[0], b)] = int.Parse(parts[2]);
            }
        }

        await using var store = new FasterBlockStore(_dir.Path, CrashPayload.CompactingBlockStoreOptions);
        var buffer = new byte[4096];
        foreach (var ((volume, block), version) in latest)
        {
            Assert.True(store.TryRead(volume, block, buffer, out var length), $"acknowledged block {volume}/{block} is missing");
            Assert.Equal(4096, length);
            Assert.True(
                buffer.AsSpan().SequenceEqual(CrashPayload.For($"{volume}/{block}/{version}", 4096))
                || buffer.AsSpan().SequenceEqual(CrashPayload.For($"{volume}/{block}/{version + 1}", 4096)),
                $"block {volume}/{block} is not version {version} (last acknowledged) or {version + 1}");
        }
        Assert.True(new DirectoryInfo(_dir.Path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) < 16L << 20);
    }

    /// <summary>Runs the helper until it has acknowledged <paramref name="minAcks"/> writes, SIGKILLs it, and returns every id it acknowledged.</summary>
    private async Task<List<string>> RunAndKillAsync(string mode, string tag, int minAcks)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SseSim.Storage.Faster.CrashHelper.dll"));
        start.ArgumentList.Add(mode);
        start.ArgumentList.Add(_dir.Path);
        start.ArgumentList.Add(tag);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the crash helper");
        var stderr = process.StandardError.ReadToEndAsync();
        var acked = new List<string>();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            while (acked.Count < minAcks && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                AddAck(acked, line);
            }
        }
        finally
        {
            // Process.Kill is SIGKILL on Unix: no finally blocks, no Dispose, no flush in the child. The helper starts
            // no processes, so the plain kill suffices (the tree kill's stop-then-kill walk preceded a CI hang).
            process.Kill();
        }
        // Bounded: once, WaitForExitAsync never completed although the child was gone (.NET 10.0.12, CI hung 13 min).
        using (var reaped = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            try
            {
                await process.WaitForExitAsync(reaped.Token);
            }
            catch (OperationCanceledException) when (!Directory.Exists($"/proc/{process.Id}"))
            {
                // Gone without .NET noticing; its stdout still ends at EOF below.
            }
        }
        // Whatever the child printed before it died was acknowledged too.
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            AddAck(acked, line);
        }
        Assert.True(acked.Count >= minAcks, $"helper stopped after {acked.Count} acks: {await stderr}");
        return acked;
    }

    private static void AddAck(List<string> acked, string line)
    {
        // A line cut short by the kill has no END and was never fully printed.
        if (line.StartsWith("ACK ", StringComparison.Ordinal) && line.EndsWith(" END", StringComparison.Ordinal))
        {
            acked.Add(line["ACK ".Length..^" END".Length]);
        }
    }
}
