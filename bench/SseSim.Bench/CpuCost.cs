using System.Diagnostics;
using System.Globalization;

namespace SseSim.Bench;

/// <summary>
/// <c>bench -- cpu CASE [seconds] [warm-up seconds]</c>: runs one allocation case in a loop and prints process CPU time per operation,
/// every thread included (the audit writer, the GC), next to the caller's rate. BenchmarkDotNet's per-call time hides
/// work handed to other threads when there is a spare core; run it under <c>taskset -c 0</c> for a per-core figure.
/// </summary>
public static class CpuCost
{
    public static int Run(string[] args)
    {
        var name = args.Length > 0 ? args[0] : "KmsBenchmarks.GenerateDataKey";
        var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        // Long enough to fill the audit's in-memory window (200,000 events) for a steady-state figure.
        var warmUp = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : Math.Min(2, seconds / 2);
        var c = AllocationCases.Create(name);
        try
        {
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed.TotalSeconds < warmUp)
            {
                c.Operation();
            }
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var gcBefore = GC.CollectionCount(0);
            var allocatedBefore = GC.GetTotalAllocatedBytes();
            var clock = Stopwatch.StartNew();
            long ops = 0;
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                for (var i = 0; i < 256; i++)
                {
                    c.Operation();
                }
                ops += 256;
            }
            var wall = clock.Elapsed;
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: {ops / wall.TotalSeconds:N0} ops/s, {cpu.TotalMicroseconds / ops:F2} us CPU/op (all threads), {wall.TotalMicroseconds / ops:F2} us wall/op, {(GC.GetTotalAllocatedBytes() - allocatedBefore) / (double)ops:N0} B allocated/op (all threads), gen0 GCs {GC.CollectionCount(0) - gcBefore}"));
        }
        finally
        {
            c.Cleanup();
        }
        return 0;
    }
}
