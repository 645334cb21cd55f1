using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using SseSim.Cli.Bench;

namespace SseSim.Cli.Commands;

/// <summary>`ssesim bench`: a closed-loop load generator against any S3/KMS endpoint or NBD export (see <see cref="BenchOptions.Usage"/>).</summary>
public sealed class BenchCommand(TextWriter? progress = null) : ICliCommand
{
    public string Name => "bench";

    public string Summary => "load generator: S3, KMS and NBD workloads against SseSim, AWS, MinIO or moto_server";

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        if (args.Any(a => a is "--help" or "-h"))
        {
            await output.WriteLineAsync(BenchOptions.Usage);
            return 0;
        }
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            await Console.Error.WriteLineAsync("ssesim bench: " + e.Message);
            await Console.Error.WriteLineAsync(BenchOptions.Usage);
            return 2;
        }
        try
        {
            var report = await RunAsync(options, progress ?? (options.Quiet ? TextWriter.Null : Console.Error), cancellationToken);
            await output.WriteAsync(report.ToMarkdown());
            if (options.OutDir is not null)
            {
                await report.WriteAsync(options.OutDir, cancellationToken);
                await output.WriteLineAsync($"\nreports: {Path.Combine(options.OutDir, "report.json")}, report.md, chart.svg");
            }
            return 0;
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or IOException or HttpRequestException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"ssesim bench: setup failed: {ErrorCodes.Classify(e)}: {e.Message}");
            return 1;
        }
    }

    public static IWorkload CreateWorkload(BenchOptions o) => o.Workload switch
    {
        "nbd" => new NbdWorkload(o),
        _ when o.IsS3 => new S3Workload(o),
        _ => new KmsWorkload(o),
    };

    /// <summary>Prepares the workload, runs it with a live progress line on <paramref name="progress"/>, and measures the server around it.</summary>
    public static async Task<BenchReport> RunAsync(BenchOptions o, TextWriter progress, CancellationToken ct)
    {
        using var probe = new ServerProbe(o);
        await probe.DetectAsync(ct);
        await using var workload = CreateWorkload(o);
        await workload.PrepareAsync(ct);
        if (o.Warmup is { } warmup)
        {
            // Same workload, same connections, nothing recorded: the measured run starts warm on both sides.
            await new BenchRunner(workload, o.Concurrency, null, warmup).RunAsync(null, ct);
        }

        var runner = new BenchRunner(workload, o.Concurrency, o.Count, o.Duration);
        var before = await probe.SampleAsync(ct);
        var startedAt = DateTimeOffset.UtcNow;
        var interactive = ReferenceEquals(progress, Console.Error) && !Console.IsErrorRedirected;
        var sampling = Task.CompletedTask;
        await runner.RunAsync(r =>
        {
            progress.Write((interactive ? "\r" : "") + ProgressLine(r, o) + (interactive ? "   " : "\n"));
            // Peak memory: one sample per tick, never more than one in flight.
            if (sampling.IsCompleted)
            {
                sampling = probe.SampleAsync(ct);
            }
        }, ct);
        var endedAt = DateTimeOffset.UtcNow;
        if (interactive)
        {
            progress.WriteLine();
        }
        await sampling;
        var after = await probe.SampleAsync(ct);
        ServerUsage? server = null;
        if (before.CpuSeconds is { } cpu0 && after.CpuSeconds is { } cpu1)
        {
            var cpu = cpu1 - cpu0;
            server = new ServerUsage(after.Source, Math.Round(cpu, 2), Math.Round(100 * cpu / Math.Max(runner.Elapsed.TotalSeconds, 1e-9), 1), after.Rss, probe.PeakRss);
        }
        KmsCallCount? kms = null;
        if (workload.CountsObjects)
        {
            var counted = await probe.CountKmsCallsAsync(workload.KmsKeyArn, startedAt, endedAt.AddSeconds(1), ct);
            if (counted is { } c)
            {
                var objects = runner.Total.Successes;
                kms = new KmsCallCount(c.Calls, objects == 0 ? null : Math.Round((double)c.Calls / objects, 4), "CloudTrail LookupEvents", c.Truncated);
            }
        }
        return BenchReport.From(o, runner, startedAt, probe.IsSseSim, kms, server);
    }

    private static string ProgressLine(BenchRunner r, BenchOptions o)
    {
        var elapsed = r.Elapsed.TotalSeconds;
        var bound = o.Duration is { } d ? $"/{d.TotalSeconds:F0}s" : "";
        var count = o.Count is { } c ? $"/{c:N0}" : "";
        var p99 = r.Total.Latency.ValueAtQuantile(0.99) / 1e6;
        return string.Create(CultureInfo.InvariantCulture,
            $"[{elapsed,5:F0}s{bound}] {r.Total.Ops:N0}{count} ops  {r.Total.Ops / Math.Max(elapsed, 1e-9),9:N0} ops/s  {r.Total.Bytes / 1048576.0 / Math.Max(elapsed, 1e-9),8:N1} MiB/s  p99 {p99:G3} ms  errors {r.Total.Errors:N0}");
    }
}
