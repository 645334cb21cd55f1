using SseSim.Core.Storage;
using SseSim.Storage.Faster;
using SseSim.Storage.Faster.CrashHelper;

// Child process for the kill -9 tests: writes until killed and prints "ACK <id> END" only after the write is
// acknowledged as durable. Ids carry <tag> so successive runs over one directory write distinct keys.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: <table|log|block|overwrite> <dataDir> <tag>");
    return 2;
}
var (mode, dataDir, tag) = (args[0], args[1], args[2]);
const int Writers = 4;
var output = TextWriter.Synchronized(Console.Out);

switch (mode)
{
    case "table":
        {
            var table = new FasterStorageProvider(dataDir).OpenTable("t");
            await RunWritersAsync(async (w, i) =>
            {
                var key = $"{tag}/w{w}/k{i:D8}";
                // Two keys per batch: after the crash both must be present or neither.
                await table.ApplyAsync([new KvMutation(key, CrashPayload.For(key, 100)), new KvMutation(key + "/twin", CrashPayload.For(key, 3000))]);
                return key;
            });
            break;
        }
    case "log":
        {
            var log = new FasterStorageProvider(dataDir).OpenLog("l");
            await RunWritersAsync(async (w, i) =>
            {
                var id = $"{tag}/w{w}/r{i:D8}";
                await log.AppendAsync(CrashPayload.Record(id, 200));
                return id;
            });
            break;
        }
    case "block":
        {
            var store = new FasterBlockStore(dataDir, CrashPayload.BlockStoreOptions);
            await RunWritersAsync(async (w, i) =>
            {
                var volume = $"vol-{tag}-{w}";
                store.Write(volume, i, CrashPayload.For($"{volume}/{i}", 4096));
                await store.FlushAsync();
                return $"{volume} {i}";
            });
            break;
        }
    case "overwrite":
        {
            // Each writer overwrites its own 64 blocks, 16 per flush, so the log is mostly overwritten records and
            // compaction runs (and may be killed) while the writes go on.
            var store = new FasterBlockStore(dataDir, CrashPayload.CompactingBlockStoreOptions);
            long passes = 0;
            await RunWritersAsync(async (w, i) =>
            {
                var volume = $"vol-{tag}-w{w}";
                var first = i % 4 * 16;
                var version = i / 4;
                for (var b = first; b < first + 16; b++)
                {
                    store.Write(volume, b, CrashPayload.For($"{volume}/{b}/{version}", 4096));
                }
                await store.FlushAsync();
                if (store.CompactionPasses > Interlocked.Read(ref passes))
                {
                    output.WriteLine($"ACK PASS {Interlocked.Exchange(ref passes, store.CompactionPasses)} END");
                }
                return $"{volume} {first} {version}";
            });
            break;
        }
    default:
        Console.Error.WriteLine($"unknown mode {mode}");
        return 2;
}
return 0;

Task RunWritersAsync(Func<int, int, Task<string>> write) =>
    Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
    {
        for (var i = 0; ; i++)
        {
            var id = await write(w, i);
            // END marks a complete line: the kill can cut a line short.
            output.WriteLine($"ACK {id} END");
        }
    })));
