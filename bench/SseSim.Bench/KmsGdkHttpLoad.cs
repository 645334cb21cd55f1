using System.Diagnostics;
using System.Globalization;

namespace SseSim.Bench;

/// <summary>
/// <c>kms-http [seconds] [connections]</c> (alias <c>kms-gdk-http</c>): signed GenerateDataKey over HTTP, SseSim vs
/// moto_server, same client, same run; moto's request log is drained so it never blocks on a full pipe.
/// </summary>
public static class KmsGdkHttpLoad
{
    private const string Body = "{{\"KeyId\":\"{0}\",\"KeySpec\":\"AES_256\",\"EncryptionContext\":{{\"purpose\":\"bench\"}}}}";

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16;

        var (app, endpoint, dataDir) = await BenchEnv.StartSseSimAsync();
        double sseSim;
        try
        {
            sseSim = await MeasureAsync("SseSim", endpoint, seconds, concurrency);
        }
        finally
        {
            await BenchEnv.StopSseSimAsync(app, dataDir);
        }
        var moto = await BenchEnv.StartMotoAsync();
        if (moto is null)
        {
            Console.WriteLine("moto_server not found; no comparison");
            return 0;
        }
        try
        {
            var motoRate = await MeasureAsync("moto_server", moto.Value.Endpoint, seconds, concurrency);
            Console.WriteLine($"ratio: {sseSim / motoRate:F1}x (target >= 80x)");
        }
        finally
        {
            moto.Value.Process.Kill(entireProcessTree: true);
            await moto.Value.Process.WaitForExitAsync();
            moto.Value.Process.Dispose();
        }
        return 0;
    }

    private static async Task<double> MeasureAsync(string name, string endpoint, int seconds, int concurrency)
    {
        using var client = new S3Client(endpoint, concurrency);
        var body = string.Format(CultureInfo.InvariantCulture, Body, await client.CreateKmsKeyAsync());
        for (var i = 0; i < 200; i++)
        {
            await client.KmsAsync("GenerateDataKey", body);
        }
        var loadBefore = BenchEnv.LoadAverage();
        long count = 0;
        var deadline = TimeSpan.FromSeconds(seconds);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (watch.Elapsed < deadline)
            {
                await client.KmsAsync("GenerateDataKey", body);
                Interlocked.Increment(ref count);
            }
        })));
        var rate = count / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"{name} GenerateDataKey: {rate:F0} ops/s ({concurrency} connections, {seconds} s)  [{loadBefore} -> {BenchEnv.LoadAverage()}]");
        return rate;
    }
}
