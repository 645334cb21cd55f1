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
    private readonly ConcurrentDictionary<Instrument, Collector> _collectors = new();

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
        var labelValues = new string[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            labelValues[i] = tags[i].Value?.ToString() ?? "";
        }
        // Every instrument of ours passes the same tag names in the same order, so the first measurement fixes them.
        var names = new string[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            names[i] = tags[i].Key;
        }
        var collector = _collectors.GetOrAdd(instrument, Create, names);
        switch (collector)
        {
            case Counter c:
                c.WithLabels(labelValues).Inc(value);
                break;
            case Histogram h:
                h.WithLabels(labelValues).Observe(value);
                break;
            case Gauge g:
                g.WithLabels(labelValues).Set(value);
                break;
        }
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
