using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SseSim.Cli.Bench;

/// <summary>What the server did during the run, when it can be seen: KMS calls, CPU seconds, memory.</summary>
public sealed record ServerUsage(string Source, double? CpuSeconds, double? CpuPercent, long? RssBytes, long? PeakRssBytes);

public sealed record KmsCallCount(long Calls, double? PerObject, string Source, bool Truncated);

/// <summary>
/// Looks at the target: whether it is SseSim (<c>/_ssesim/health</c>), its Prometheus <c>/metrics</c> if it has one,
/// CloudTrail LookupEvents for KMS calls, and <c>/proc/PID</c> for a server process the user names.
/// </summary>
public sealed class ServerProbe(BenchOptions o) : IDisposable
{
    /// <summary>LookupEvents pages at most 50 events; past this many pages the count is reported as a lower bound.</summary>
    private const int MaxLookupPages = 400;

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly SigV4 _signer = new(o.AccessKey, o.SecretKey, o.Region);
    private readonly string? _endpoint = o.EndpointUrl?.TrimEnd('/');
    private long _peakRss;

    public bool IsSseSim { get; private set; }

    public async Task DetectAsync(CancellationToken ct)
    {
        if (_endpoint is null)
        {
            return;
        }
        try
        {
            using var response = await _http.GetAsync(_endpoint + "/_ssesim/health", ct);
            IsSseSim = response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
        }
    }

    /// <summary>A reading of the server's CPU time and memory: from /metrics (standard process_* families) or /proc.</summary>
    public async Task<(double? CpuSeconds, long? Rss, string Source)> SampleAsync(CancellationToken ct)
    {
        var metrics = IsSseSim ? await MetricsAsync(ct) : null;
        (double?, long?, string) reading = (null, null, "n/a");
        if (metrics is not null && metrics.TryGetValue("process_cpu_seconds_total", out var cpu))
        {
            reading = (cpu, metrics.TryGetValue("process_resident_memory_bytes", out var rss) ? (long)rss : null, "/metrics");
        }
        else if (o.ServerPid is { } pid && ReadProc(pid) is { } proc)
        {
            reading = (proc.CpuSeconds, proc.Rss, $"/proc/{pid}");
        }
        if (reading.Item2 is { } r)
        {
            _peakRss = Math.Max(_peakRss, r);
        }
        return reading;
    }

    public long PeakRss => _peakRss;

    /// <summary>Prometheus text exposition, summed per metric name over its label sets; null when there is none.</summary>
    public async Task<Dictionary<string, double>?> MetricsAsync(CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync(_endpoint + "/metrics", ct);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }
            return ParsePrometheus(await response.Content.ReadAsStringAsync(ct));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public static Dictionary<string, double> ParsePrometheus(string text)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var nameEnd = line.IndexOfAny(['{', ' ']);
            if (nameEnd <= 0)
            {
                continue;
            }
            var valueStart = line[nameEnd] == '{' ? line.IndexOf('}', nameEnd) + 1 : nameEnd;
            var fields = line[valueStart..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0 && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                var name = line[..nameEnd];
                values[name] = values.GetValueOrDefault(name) + v;
            }
        }
        return values;
    }

    private static (double CpuSeconds, long Rss)? ReadProc(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the parenthesised command name: utime and stime are fields 14 and 15 (1-based).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            long rss = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
            // USER_HZ is 100 on every Linux configuration .NET runs on.
            return (ticks / 100.0, rss);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// KMS calls in [from, to] seen by CloudTrail LookupEvents (on the workload's key when it has one, else every
    /// kms.amazonaws.com event), paging through at most <see cref="MaxLookupPages"/> pages.
    /// </summary>
    public async Task<(long Calls, bool Truncated)?> CountKmsCallsAsync(string? keyArn, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        if (_endpoint is null || !IsSseSim)
        {
            return null;
        }
        var attribute = keyArn is null
            ? new Dictionary<string, string> { ["AttributeKey"] = "EventSource", ["AttributeValue"] = "kms.amazonaws.com" }
            : new Dictionary<string, string> { ["AttributeKey"] = "ResourceName", ["AttributeValue"] = keyArn };
        long calls = 0;
        string? next = null;
        for (var page = 0; page < MaxLookupPages; page++)
        {
            var body = new Dictionary<string, object>
            {
                ["LookupAttributes"] = new[] { attribute },
                ["StartTime"] = from.ToUnixTimeMilliseconds() / 1000.0,
                ["EndTime"] = to.ToUnixTimeMilliseconds() / 1000.0,
                ["MaxResults"] = 50,
            };
            if (next is not null)
            {
                body["NextToken"] = next;
            }
            var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
            using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint + "/") { Content = new ByteArrayContent(bytes) };
            request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
            request.Headers.Add("X-Amz-Target", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents");
            _signer.Sign(request, "cloudtrail", SigV4.Sha256Hex(bytes));
            using var response = await _http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"CloudTrail LookupEvents failed: {(int)response.StatusCode} {text}");
            }
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetBytes(text));
            calls += doc.RootElement.GetProperty("Events").GetArrayLength();
            next = doc.RootElement.TryGetProperty("NextToken", out var token) ? token.GetString() : null;
            if (next is null)
            {
                return (calls, false);
            }
        }
        return (calls, true);
    }

    public void Dispose() => _http.Dispose();
}
