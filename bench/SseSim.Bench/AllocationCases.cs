using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SseSim.Bench;

/// <summary>One benchmarked operation, set up and ready to be called repeatedly; disposing runs its cleanup.</summary>
public sealed record AllocationCase(string Name, Action Operation, Action Cleanup);

/// <summary>
/// The allocation check shared by `bench -- alloc` and the budget test: every benchmark, listed explicitly, measured
/// as managed bytes allocated on the calling thread per operation after warm-up (bytes, never time). Budgets are in
/// bench/allocation-budgets.json.
/// </summary>
public static class AllocationCases
{
    public const int WarmUp = 50;

#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif
    public const int Iterations = 200;

    /// <summary>The envelope benchmarks whose steady-state allocation per segment must be 0 B.</summary>
    public static readonly string[] EnvelopeOperations = ["EnvelopeEncrypt", "EnvelopeDecrypt", "EnvelopeEncryptToPipe", "EnvelopeDecryptToPipe"];

    /// <summary>Every case by name; building one runs its benchmark's setup.</summary>
    public static IEnumerable<(string Name, Func<AllocationCase> Create)> All()
    {
        foreach (var size in new[] { 64 * 1024, 4 * 1024 * 1024 })
        {
            foreach (var operation in EnvelopeOperations)
            {
                yield return ($"EnvelopeBenchmarks.{operation}(Size={size})", () => Envelope(size, operation));
            }
        }
        yield return ("BlockCipherBenchmarks.BlockSeal", () => Block(b => b.BlockSeal(), "BlockCipherBenchmarks.BlockSeal"));
        yield return ("BlockCipherBenchmarks.BlockOpen", () => Block(b => b.BlockOpen(), "BlockCipherBenchmarks.BlockOpen"));
        yield return ("SigV4Benchmarks.Verify", SigV4);
        foreach (var signed in new[] { false, true })
        {
            yield return ($"AwsChunkedBenchmarks.Decode(Signed={signed})", () => Chunked(signed));
        }
        yield return ("KmsBenchmarks.GenerateDataKey", () => Kms(b => b.GenerateDataKey(), "KmsBenchmarks.GenerateDataKey"));
        yield return ("KmsBenchmarks.Encrypt", () => Kms(b => b.Encrypt(), "KmsBenchmarks.Encrypt"));
        yield return ("KmsBenchmarks.Decrypt", () => Kms(b => b.Decrypt(), "KmsBenchmarks.Decrypt"));
    }

    public static AllocationCase Create(string name) => All().First(c => c.Name == name).Create();

    private static AllocationCase Envelope(int size, string operation)
    {
        var b = new EnvelopeBenchmarks { Size = size };
        b.Setup().GetAwaiter().GetResult();
        Func<Task<long>> run = operation switch
        {
            "EnvelopeEncrypt" => b.EnvelopeEncrypt,
            "EnvelopeDecrypt" => b.EnvelopeDecrypt,
            "EnvelopeEncryptToPipe" => b.EnvelopeEncryptToPipe,
            _ => b.EnvelopeDecryptToPipe,
        };
        return new AllocationCase($"EnvelopeBenchmarks.{operation}(Size={size})", () => run().GetAwaiter().GetResult(), b.Cleanup);
    }

    private static AllocationCase SigV4()
    {
        var b = new SigV4Benchmarks();
        b.Setup();
        return new AllocationCase("SigV4Benchmarks.Verify", () => b.Verify(), () => { });
    }

    private static AllocationCase Chunked(bool signed)
    {
        var b = new AwsChunkedBenchmarks { Signed = signed };
        b.Setup();
        return new AllocationCase($"AwsChunkedBenchmarks.Decode(Signed={signed})", () => b.Decode(), () => { });
    }

    private static AllocationCase Block(Action<BlockCipherBenchmarks> op, string name)
    {
        var b = new BlockCipherBenchmarks();
        b.Setup();
        return new AllocationCase(name, () => op(b), b.Cleanup);
    }

    private static AllocationCase Kms(Func<KmsBenchmarks, Task> op, string name)
    {
        var b = new KmsBenchmarks();
        b.Setup().GetAwaiter().GetResult();
        return new AllocationCase(name, () => op(b).GetAwaiter().GetResult(), () => b.Cleanup().GetAwaiter().GetResult());
    }

    /// <summary>
    /// Bytes allocated on this thread per call after <see cref="WarmUp"/> calls: each of <see cref="Iterations"/> calls is
    /// measured alone and the top 2 % are dropped before averaging, so a rare runtime-internal allocation (a pool's
    /// bookkeeping after a GC) does not read as a per-operation cost.
    /// </summary>
    public static double Measure(AllocationCase c)
    {
        for (var i = 0; i < WarmUp; i++)
        {
            c.Operation();
        }
        var samples = new long[Iterations];
        for (var i = 0; i < Iterations; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            c.Operation();
            samples[i] = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Array.Sort(samples);
        return samples.AsSpan(0, Iterations - (Iterations / 50)).ToArray().Average();
    }

    public static Dictionary<string, double> MeasureAll()
    {
        var results = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (_, create) in All())
        {
            var c = create();
            try
            {
                results[c.Name] = Math.Round(Measure(c), 1);
            }
            finally
            {
                c.Cleanup();
            }
        }
        return results;
    }

    /// <summary>Steady-state bytes per 64 KiB envelope segment: (alloc at 4 MiB − alloc at 64 KiB) / 63 segments.</summary>
    public static double PerSegment(IReadOnlyDictionary<string, double> measured, string operation) =>
        (measured[$"EnvelopeBenchmarks.{operation}(Size=4194304)"] - measured[$"EnvelopeBenchmarks.{operation}(Size=65536)"]) / 63;

    /// <summary><c>bench -- alloc [--write FILE]</c>: prints bytes per operation; with --write, records them (rounded up, +10 %) as the budgets.</summary>
    public static int Run(string[] args)
    {
        var measured = MeasureAll();
        foreach (var (name, bytes) in measured)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-50} {bytes,12:N1} B/op"));
        }
        Console.WriteLine("per envelope segment: " + string.Join(", ", EnvelopeOperations.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o} {PerSegment(measured, o):F2} B"))));
        if (args.Length == 2 && args[0] == "--write")
        {
            // Debug builds allocate more (async state machines are classes there): one section per configuration.
            var file = File.Exists(args[1]) ? JsonNode.Parse(File.ReadAllText(args[1]))!.AsObject() : [];
            file["comment"] = "Managed bytes allocated per operation (GC.GetAllocatedBytesForCurrentThread after warm-up, top 2 % of calls dropped), "
                + "per build configuration; tests/SseSim.Bench.Tests fails above these, and above 0 B per envelope segment. Regenerate a section: "
                + "dotnet run -c CONFIG --project bench/SseSim.Bench -- alloc --write bench/allocation-budgets.json";
            var perSegment = new JsonObject();
            foreach (var operation in EnvelopeOperations)
            {
                perSegment[operation] = 0;
            }
            file["perSegmentBytes"] = perSegment;
            var perOp = new JsonObject();
            foreach (var (name, bytes) in measured)
            {
                perOp[name] = (long)Math.Ceiling((bytes * 1.1) + 64);
            }
            var sections = file["perOperationBytes"] as JsonObject ?? [];
            sections.Remove(Configuration);
            sections[Configuration] = perOp;
            file.Remove("perOperationBytes");
            file["perOperationBytes"] = sections;
            File.WriteAllText(args[1], file.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            Console.WriteLine($"wrote the {Configuration} budgets to {args[1]}");
        }
        return 0;
    }
}
