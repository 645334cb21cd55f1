using System.Diagnostics;
using System.Globalization;

namespace SseSim.Bench;

/// <summary>A quick single-threaded throughput loop for GenerateDataKey (BenchmarkDotNet gives the careful numbers).</summary>
public static class KmsInProcessLoop
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var bench = new KmsBenchmarks();
        await bench.Setup();
        for (var i = 0; i < 20_000; i++)
        {
            await bench.GenerateDataKey();
        }
        var watch = Stopwatch.StartNew();
        long n = 0;
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            for (var i = 0; i < 1000; i++)
            {
                await bench.GenerateDataKey();
            }
            n += 1000;
        }
        Console.WriteLine($"GenerateDataKey in-process, one thread: {n / watch.Elapsed.TotalSeconds:F0} ops/s");
        await bench.Cleanup();
        return 0;
    }
}
