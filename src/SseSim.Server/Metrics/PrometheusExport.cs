using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Prometheus;

namespace SseSim.Server.Metrics;

/// <summary>
/// Publishes this host's System.Diagnostics.Metrics instruments (the domains' meters and <see cref="RequestMetrics"/>)
/// as prometheus-net metrics in a registry of its own, so two hosts in one process never mix counts. A MeterListener
/// limited to meters this host's <see cref="IMeterFactory"/> created feeds them: Counter → counter (<c>_total</c>),
/// Histogram → histogram (unit "s" → <c>_seconds</c>), ObservableGauge → gauge read at scrape time. (prometheus-net's
/// own MeterAdapter exports counters as gauges and prefixes the meter name, hence this small bridge.) The registry also
/// carries prometheus-net's process_* families.
/// Served at <c>GET /metrics</c>, unsigned, to loopback clients unless <c>--metrics-any-client true</c>; a signed
/// request to /metrics is still S3 (a bucket named "metrics").
/// </summary>
public sealed class PrometheusExport : IDisposable
{
    public const string Path = "/metrics";

    private readonly MeterListener _listener = new();
    private readonly MetricFactory _factory;
    private readonly ConcurrentDictionary<Instrument, BoundCollector> _collectors = new();

    public PrometheusExport(IMeterFactory meters)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        // The standard process_* families (CPU seconds, resident memory, GC), which `ssesim bench` reads too.
        DotNetStats.Register(Registry);
        _factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        // prometheus-net names it process_working_set_bytes; Prometheus's convention (and its other clients) say resident.
        var rss = _factory.CreateGauge("process_resident_memory_bytes", "Resident memory size in bytes.");
        Registry.AddBeforeCollectCallback(() => rss.Set(Environment.WorkingSet));
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Meter.Name.StartsWith("SseSim.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
        Registry.AddBeforeCollectCallback(_listener.RecordObservableInstruments);
    }

    public CollectorRegistry Registry { get; }

    public static bool Matches(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Path.Equals(Path, StringComparison.Ordinal)
        && request.Headers.Authorization.Count == 0 && !request.Query.ContainsKey("X-Amz-Credential") && !request.Query.ContainsKey("AWSAccessKeyId");

    public async Task HandleAsync(HttpContext context, bool anyClient)
    {
        if (!anyClient && context.Connection.RemoteIpAddress is { } ip && !IPAddress.IsLoopback(ip))
        {
            context.Response.StatusCode = 403;
            await context.Response.WriteAsync("/metrics is served to loopback clients only (--metrics-any-client true to serve all).\n");
            return;
        }
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Every instrument of ours passes the same tag names in the same order, so the first measurement fixes them.
        if (!_collectors.TryGetValue(instrument, out var bound))
        {
            bound = _collectors.GetOrAdd(instrument, static (i, state) => new BoundCollector(state.Self.Create(i, state.Names)),
                (Self: this, Names: NamesOf(tags)));
        }
        // The label child is found by the tag values (interned strings in practice), without building label arrays:
        // prometheus-net's WithLabels allocates and hashes them on every call.
        var key = tags.Length <= LabelKey.Capacity ? LabelKey.From(tags) : (LabelKey?)null;
        if (key is not { } k || !bound.Children.TryGetValue(k, out var child))
        {
            var labelValues = new string[tags.Length];
            for (var i = 0; i < tags.Length; i++)
            {
                labelValues[i] = Text(tags[i].Value);
            }
            child = bound.Collector switch
            {
                Counter c => c.WithLabels(labelValues),
                Histogram h => h.WithLabels(labelValues),
                Gauge g => g.WithLabels(labelValues),
                _ => bound.Collector,
            };
            if (key is { } newKey && bound.Children.Count < MaxChildren)
            {
                bound.Children.TryAdd(newKey, child);
            }
        }
        switch (child)
        {
            case Counter.Child c:
                c.Inc(value);
                break;
            case Histogram.Child h:
                h.Observe(value);
                break;
            case Gauge.Child g:
                g.Set(value);
                break;
        }
    }

    // Label sets are few (operation × result × caller service); the bound only guards against a runaway label.
    private const int MaxChildren = 10_000;

    private static string Text(object? value) => value as string ?? value?.ToString() ?? "";

    private static string[] NamesOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var names = new string[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            names[i] = tags[i].Key;
        }
        return names;
    }

    private sealed class BoundCollector(Collector collector)
    {
        public Collector Collector { get; } = collector;

        public ConcurrentDictionary<LabelKey, object> Children { get; } = new();
    }

    /// <summary>Up to four label values, compared as strings.</summary>
    private readonly record struct LabelKey(int Count, string? A, string? B, string? C, string? D)
    {
        public const int Capacity = 4;

        public static LabelKey From(ReadOnlySpan<KeyValuePair<string, object?>> tags) => new(tags.Length,
            tags.Length > 0 ? Text(tags[0].Value) : null, tags.Length > 1 ? Text(tags[1].Value) : null,
            tags.Length > 2 ? Text(tags[2].Value) : null, tags.Length > 3 ? Text(tags[3].Value) : null);
    }

    private Collector Create(Instrument instrument, string[] labelNames)
    {
        var name = instrument.Name.Replace('.', '_');
        var help = instrument.Description ?? name;
        return instrument switch
        {
            Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> =>
                _factory.CreateCounter(name + "_total", help, labelNames),
            Histogram<double> => _factory.CreateHistogram(name + (instrument.Unit == "s" ? "_seconds" : ""), help,
                new HistogramConfiguration { LabelNames = labelNames, Buckets = RequestMetrics.Buckets }),
            _ => _factory.CreateGauge(name, help, labelNames),
        };
    }
}
