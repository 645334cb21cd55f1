using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SseSim.Cli.Bench;

public sealed record LatencySummary(double MeanMs, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs)
{
    public static LatencySummary From(LatencyHistogram h) => new(
        Ms(h.MeanNanoseconds), Ms(h.ValueAtQuantile(0.50)), Ms(h.ValueAtQuantile(0.90)), Ms(h.ValueAtQuantile(0.99)),
        Ms(h.ValueAtQuantile(0.999)), Ms(h.MaxNanoseconds));

    private static double Ms(double ns) => Math.Round(ns / 1e6, 4);
}

public sealed record OperationSummary(string Operation, long Ops, long Successes, long Errors, long Bytes, double OpsPerSecond, double MiBPerSecond, LatencySummary Latency);

public sealed record SecondSample(int Second, long Ops, long Errors, double MiBPerSecond, double MeanMs, double P50Ms, double P99Ms);

/// <summary>The whole result of one run; serialized as report.json, rendered as report.md and chart.svg.</summary>
public sealed record BenchReport(
    string Title,
    string Workload,
    string Target,
    bool TargetIsSseSim,
    IReadOnlyDictionary<string, string> Settings,
    DateTimeOffset StartedAt,
    double ElapsedSeconds,
    long Ops,
    long Successes,
    long Errors,
    long Bytes,
    double OpsPerSecond,
    double MiBPerSecond,
    LatencySummary Latency,
    IReadOnlyDictionary<string, long> ErrorsByCode,
    IReadOnlyList<OperationSummary> Operations,
    KmsCallCount? KmsCalls,
    ServerUsage? Server,
    string Machine,
    IReadOnlyList<SecondSample> TimeSeries)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static BenchReport From(BenchOptions o, BenchRunner run, DateTimeOffset startedAt, bool isSseSim, KmsCallCount? kms, ServerUsage? server)
    {
        var seconds = Math.Max(run.Elapsed.TotalSeconds, 1e-9);
        var series = run.Seconds.OrderBy(s => s.Key).Select(s => new SecondSample(
            s.Key, s.Value.Latency.Count, s.Value.Errors,
            // The last second is partial: rates are per second of wall clock actually covered.
            Math.Round(s.Value.Bytes / 1048576.0 / Math.Min(1.0, Math.Max(seconds - s.Key, 1e-3)), 3),
            Ms(s.Value.Latency.MeanNanoseconds), Ms(s.Value.Latency.ValueAtQuantile(0.5)), Ms(s.Value.Latency.ValueAtQuantile(0.99)))).ToList();
        var settings = new Dictionary<string, string>
        {
            ["concurrency"] = o.Concurrency.ToString(CultureInfo.InvariantCulture),
            ["count"] = o.Count?.ToString(CultureInfo.InvariantCulture) ?? "-",
            ["duration"] = o.Duration is { } d ? d.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s" : "-",
        };
        if (o.Warmup is { } warmup)
        {
            settings["warmup"] = warmup.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s";
        }
        if (o.Workload != "nbd")
        {
            settings["client"] = o.Client;
        }
        if (o.IsS3)
        {
            settings["sse"] = o.Sse;
            settings["size"] = o.Size.ToString();
            settings["keys"] = o.Keys.ToString(CultureInfo.InvariantCulture);
            if (o.Workload == "s3-mixed")
            {
                settings["readPercent"] = o.ReadPercent.ToString(CultureInfo.InvariantCulture);
            }
            if (o.Workload == "s3-multipart")
            {
                settings["partSize"] = Sizes.Format(o.PartSize);
            }
        }
        else if (o.Workload == "nbd")
        {
            settings["export"] = o.Export ?? "";
            settings["blockSize"] = Sizes.Format(o.BlockSize);
            settings["queueDepth"] = o.Concurrency.ToString(CultureInfo.InvariantCulture);
            settings["pattern"] = o.Pattern;
            settings["op"] = o.NbdOp;
        }
        else if (o.Workload is "kms-encrypt" or "kms-decrypt" or "kms-reencrypt")
        {
            settings["size"] = o.Size.ToString();
        }
        return new BenchReport(
            o.Title, o.Workload, o.Workload == "nbd" ? $"nbd://{o.NbdHost}:{o.NbdPort}/{o.Export}" : o.EndpointUrl ?? $"aws ({o.Region})",
            isSseSim, settings, startedAt, Math.Round(seconds, 3), run.Total.Ops, run.Total.Successes, run.Total.Errors, run.Total.Bytes,
            Math.Round(run.Total.Ops / seconds, 2), Math.Round(run.Total.Bytes / 1048576.0 / seconds, 3), LatencySummary.From(run.Total.Latency),
            run.ErrorsByCode.OrderByDescending(e => e.Value).ToDictionary(e => e.Key, e => e.Value),
            run.ByOperation.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new OperationSummary(p.Key, p.Value.Ops, p.Value.Successes, p.Value.Errors,
                p.Value.Bytes, Math.Round(p.Value.Ops / seconds, 2), Math.Round(p.Value.Bytes / 1048576.0 / seconds, 3), LatencySummary.From(p.Value.Latency))).ToList(),
            kms, server, DescribeMachine(), series);
    }

    private static double Ms(double ns) => Math.Round(ns / 1e6, 4);

    public static string DescribeMachine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
        return $"{Environment.ProcessorCount} cores{(cpu is null ? "" : ", " + cpu)}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, load {load}";
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"# ssesim bench: {Title}");
        md.AppendLine();
        md.AppendLine(inv, $"Target `{Target}`{(TargetIsSseSim ? " (SseSim)" : "")}, started {StartedAt:u}, {ElapsedSeconds:F1} s. Machine: {Machine}.");
        md.AppendLine(inv, $"Settings: {string.Join(", ", Settings.Select(s => $"{s.Key} {s.Value}"))}.");
        md.AppendLine();
        md.AppendLine("| Operation | Ops | Errors | ops/s | MiB/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var op in Operations)
        {
            Row(op.Operation, op.Ops, op.Errors, op.OpsPerSecond, op.MiBPerSecond, op.Latency);
        }
        Row("**all**", Ops, Errors, OpsPerSecond, MiBPerSecond, Latency);
        md.AppendLine();
        if (ErrorsByCode.Count > 0)
        {
            md.AppendLine("| Error code | Count |");
            md.AppendLine("|---|---:|");
            foreach (var (code, n) in ErrorsByCode)
            {
                md.AppendLine(inv, $"| {code} | {n} |");
            }
            md.AppendLine();
        }
        md.AppendLine(inv, $"- KMS calls per object: {FormatKms(KmsCalls)}");
        md.AppendLine(inv, $"- Server CPU and memory: {FormatServer(Server)}");
        return md.ToString();

        void Row(string name, long ops, long errors, double rate, double mib, LatencySummary l) =>
            md.AppendLine(inv, $"| {name} | {ops:N0} | {errors:N0} | {rate:N1} | {mib:N2} | {l.P50Ms:G4} | {l.P90Ms:G4} | {l.P99Ms:G4} | {l.P999Ms:G4} | {l.MaxMs:G4} |");
    }

    public static string FormatKms(KmsCallCount? k) => k is null
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture, $"{(k.PerObject is { } p ? p.ToString("G4", CultureInfo.InvariantCulture) : "n/a")} ({(k.Truncated ? "≥ " : "")}{k.Calls:N0} calls, {k.Source})");

    public static string FormatServer(ServerUsage? s) => s is null
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture, $"{(s.CpuPercent is { } c ? $"{c:F0} % CPU ({s.CpuSeconds:F1} s)" : "CPU n/a")}, RSS {(s.RssBytes is { } r ? $"{r / 1048576.0:F0} MiB" : "n/a")} (peak {(s.PeakRssBytes is { } pk ? $"{pk / 1048576.0:F0} MiB" : "n/a")}), from {s.Source}");

    /// <summary>Two stacked panels over seconds of the run: throughput (ops/s) and latency (mean and p99 in ms).</summary>
    public string ToSvg()
    {
        const int width = 800, panel = 220, left = 70, right = 20, top = 40, gap = 60;
        var inv = CultureInfo.InvariantCulture;
        var svg = new StringBuilder();
        var height = top + (2 * panel) + gap + 40;
        svg.AppendLine(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.AppendLine(inv, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>");
        svg.AppendLine(inv, $"<text x=\"{left}\" y=\"20\" font-size=\"14\">{Escape(Title)}: {OpsPerSecond:N0} ops/s, p99 {Latency.P99Ms:G4} ms</text>");
        var maxSecond = Math.Max(1, TimeSeries.Count == 0 ? 1 : TimeSeries.Max(s => s.Second) + 1);
        Panel(top, "ops/s", [("ops/s", "#1f77b4", s => s.Ops / Math.Min(1.0, Math.Max(ElapsedSeconds - s.Second, 1e-3)))]);
        Panel(top + panel + gap, "latency ms", [("mean", "#2ca02c", s => s.MeanMs), ("p99", "#d62728", s => s.P99Ms)]);
        svg.AppendLine(inv, $"<text x=\"{width / 2}\" y=\"{height - 8}\" text-anchor=\"middle\">seconds</text>");
        svg.AppendLine("</svg>");
        return svg.ToString();

        void Panel(int y0, string label, (string Name, string Color, Func<SecondSample, double> Value)[] lines)
        {
            var max = Math.Max(1e-9, lines.SelectMany(l => TimeSeries.Select(l.Value)).DefaultIfEmpty(1).Max() * 1.1);
            var plotWidth = width - left - right;
            svg.AppendLine(inv, $"<rect x=\"{left}\" y=\"{y0}\" width=\"{plotWidth}\" height=\"{panel}\" fill=\"none\" stroke=\"#999\"/>");
            svg.AppendLine(inv, $"<text x=\"12\" y=\"{y0 + (panel / 2)}\" transform=\"rotate(-90 12 {y0 + (panel / 2)})\" text-anchor=\"middle\">{label}</text>");
            for (var i = 0; i <= 4; i++)
            {
                var v = max * i / 4;
                var y = y0 + panel - (panel * i / 4.0);
                svg.AppendLine(inv, $"<line x1=\"{left}\" x2=\"{left + plotWidth}\" y1=\"{y:F1}\" y2=\"{y:F1}\" stroke=\"#eee\"/><text x=\"{left - 4}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{v:G3}</text>");
            }
            for (var s = 0; s <= maxSecond; s += Math.Max(1, maxSecond / 10))
            {
                var x = left + (plotWidth * s / (double)maxSecond);
                svg.AppendLine(inv, $"<text x=\"{x:F1}\" y=\"{y0 + panel + 14}\" text-anchor=\"middle\">{s}</text>");
            }
            var legendX = left + 8;
            foreach (var (name, color, value) in lines)
            {
                var points = string.Join(' ', TimeSeries.Select(s =>
                    FormattableString.Invariant($"{left + (plotWidth * (s.Second + 0.5) / maxSecond):F1},{y0 + panel - (panel * value(s) / max):F1}")));
                svg.AppendLine(inv, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{points}\"/>");
                svg.AppendLine(inv, $"<text x=\"{legendX}\" y=\"{y0 + 16}\" fill=\"{color}\">{name}</text>");
                legendX += 60;
            }
        }
    }

    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    public async Task WriteAsync(string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "report.json"), ToJson(), ct);
        await File.WriteAllTextAsync(Path.Combine(directory, "report.md"), ToMarkdown(), ct);
        await File.WriteAllTextAsync(Path.Combine(directory, "chart.svg"), ToSvg(), ct);
    }
}
