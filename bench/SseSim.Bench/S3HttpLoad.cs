using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace SseSim.Bench;

/// <summary>
/// <c>s3-http [bigCount] [smallSeconds] [concurrency]</c> (a count or seconds of 0 skips that part): (a) 64 MiB SSE-KMS PUT and GET, one stream at a time,
/// SseSim vs the plain-copy baseline; (b) 4 KiB SSE-KMS PUT and GET requests/s with N clients, SseSim vs moto_server.
/// Same client code, same run, loopback only, bounded by count and by time.
/// </summary>
public static class S3HttpLoad
{
    private const int BigSize = 64 * 1024 * 1024;
    private const int SmallSize = 4 * 1024;
    private const int SmallKeysPerWorker = 16;
    private const string Bucket = "bench-bucket";
    private static readonly TimeSpan BigTimeLimit = TimeSpan.FromSeconds(90);

    public static async Task<int> RunAsync(string[] args)
    {
        var bigCount = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8;
        var smallSeconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var concurrency = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 16;
        var big = RandomNumberGenerator.GetBytes(BigSize);
        var small = RandomNumberGenerator.GetBytes(SmallSize);

        var (app, endpoint, dataDir) = await BenchEnv.StartSseSimAsync();
        (double Put, double Get) sseBig;
        (double Put, double Get) sseSmall;
        try
        {
            using var client = new S3Client(endpoint, concurrency);
            var key = await client.CreateKmsKeyAsync();
            await client.CreateBucketAsync(Bucket);
            sseBig = bigCount > 0 ? await BigAsync("SseSim SSE-KMS", client, big, key, bigCount) : default;
            sseSmall = smallSeconds > 0 ? await SmallAsync("SseSim SSE-KMS", client, small, key, smallSeconds, concurrency) : default;
        }
        finally
        {
            await BenchEnv.StopSseSimAsync(app, dataDir);
        }

        if (bigCount > 0)
        {
            await using var plain = await PlainCopyServer.StartAsync();
            using var client = new S3Client(plain.Endpoint, concurrency);
            var plainBig = await BigAsync("plain copy baseline", client, big, null, bigCount);
            Console.WriteLine($"64 MiB PUT: SseSim {sseBig.Put / plainBig.Put:P0} of baseline; GET: {sseBig.Get / plainBig.Get:P0} of baseline (target >= 70%)");
        }
        if (smallSeconds <= 0)
        {
            return 0;
        }

        var moto = await BenchEnv.StartMotoAsync();
        if (moto is null)
        {
            Console.WriteLine("moto_server not found; no 4 KiB comparison");
            return 0;
        }
        try
        {
            using var client = new S3Client(moto.Value.Endpoint, concurrency);
            var key = await client.CreateKmsKeyAsync();
            await client.CreateBucketAsync(Bucket);
            var motoSmall = await SmallAsync("moto_server SSE-KMS", client, small, key, smallSeconds, concurrency);
            Console.WriteLine($"4 KiB PUT: SseSim {sseSmall.Put / motoSmall.Put:F1}x moto; GET: {sseSmall.Get / motoSmall.Get:F1}x moto (target >= 50x)");
        }
        finally
        {
            moto.Value.Process.Kill(entireProcessTree: true);
            await moto.Value.Process.WaitForExitAsync();
            moto.Value.Process.Dispose();
        }
        return 0;
    }

    /// <summary>Sequential 64 MiB PUTs then GETs; MiB/s of plaintext moved.</summary>
    private static async Task<(double Put, double Get)> BigAsync(string name, S3Client client, byte[] body, string? kmsKeyId, int count)
    {
        var sink = new byte[body.Length + 1];
        // Warm-up and a correctness check outside the timing.
        await client.PutAsync(Bucket, "big/0", body, kmsKeyId);
        var got = await client.GetAsync(Bucket, "big/0", sink);
        if (got != body.Length || !sink.AsSpan(0, got).SequenceEqual(body))
        {
            throw new InvalidOperationException($"{name}: GET returned different bytes");
        }

        var loadBefore = BenchEnv.LoadAverage();
        var watch = Stopwatch.StartNew();
        var puts = 0;
        while (puts < count && watch.Elapsed < BigTimeLimit)
        {
            await client.PutAsync(Bucket, $"big/{puts % 2}", body, kmsKeyId);
            puts++;
        }
        var put = puts * (body.Length / 1048576.0) / watch.Elapsed.TotalSeconds;

        watch.Restart();
        var gets = 0;
        while (gets < count && watch.Elapsed < BigTimeLimit)
        {
            if (await client.GetAsync(Bucket, $"big/{gets % 2}", sink) != body.Length)
            {
                throw new InvalidOperationException($"{name}: short GET");
            }
            gets++;
        }
        var get = gets * (body.Length / 1048576.0) / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"{name} 64 MiB: PUT {put:F0} MiB/s ({puts}x), GET {get:F0} MiB/s ({gets}x)  [{loadBefore} -> {BenchEnv.LoadAverage()}]");
        return (put, get);
    }

    /// <summary>N workers PUT 4 KiB objects for the given time, then GET them back for the same time; requests/s.</summary>
    private static async Task<(double Put, double Get)> SmallAsync(string name, S3Client client, byte[] body, string kmsKeyId, int seconds, int concurrency)
    {
        for (var i = 0; i < 100; i++)
        {
            await client.PutAsync(Bucket, $"small/warm/{i % 4}", body, kmsKeyId);
            await client.GetAsync(Bucket, $"small/warm/{i % 4}", new byte[body.Length + 1]);
        }
        var loadBefore = BenchEnv.LoadAverage();
        var written = new long[concurrency];
        var put = await RunWorkersAsync(seconds, concurrency, async (w, i, _) =>
        {
            await client.PutAsync(Bucket, $"small/{w}/{i % SmallKeysPerWorker}", body, kmsKeyId);
            written[w] = Math.Max(written[w], i + 1);
        });
        var get = await RunWorkersAsync(seconds, concurrency, async (w, i, sink) =>
        {
            var have = Math.Min(SmallKeysPerWorker, written[w]);
            var key = have > 0 ? $"small/{w}/{i % have}" : "small/warm/0";
            if (await client.GetAsync(Bucket, key, sink) != body.Length)
            {
                throw new InvalidOperationException($"{name}: short GET");
            }
        });
        Console.WriteLine($"{name} 4 KiB x{concurrency}: PUT {put:F0} req/s, GET {get:F0} req/s ({seconds} s each)  [{loadBefore} -> {BenchEnv.LoadAverage()}]");
        return (put, get);
    }

    private static async Task<double> RunWorkersAsync(int seconds, int concurrency, Func<int, long, byte[], Task> op)
    {
        long count = 0;
        var deadline = TimeSpan.FromSeconds(seconds);
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var sink = new byte[SmallSize + 1];
            for (long i = 0; watch.Elapsed < deadline; i++)
            {
                await op(w, i, sink);
                Interlocked.Increment(ref count);
            }
        }));
        await Task.WhenAll(workers);
        return count / watch.Elapsed.TotalSeconds;
    }
}
