using System.Diagnostics.Metrics;
using System.Net;
using Prometheus;

namespace SseSim.Server.Metrics;

/// <summary>
/// Publishes this host's System.Diagnostics.Metrics instruments (the domains' meters and <see cref="RequestMetrics"/>)
/// through prometheus-net's MeterAdapter into a registry of its own, so two hosts in one process never mix counts.
/// Served at <c>GET /metrics</c>, unsigned, to loopback clients unless <c>--metrics-any-client true</c>; a signed
/// request to /metrics is still S3 (a bucket named "metrics").
/// </summary>
public sealed class PrometheusExport : IDisposable
{
    public const string Path = "/metrics";

    private readonly IDisposable _adapter;

    public PrometheusExport(IMeterFactory meters)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        _adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = Registry,
            InstrumentFilterPredicate = i => ReferenceEquals(i.Meter.Scope, meters) && i.Meter.Name.StartsWith("SseSim.", StringComparison.Ordinal),
            ResolveHistogramBuckets = _ => RequestMetrics.Buckets,
            // prometheus-net's longest: a series idle for a day is dropped (and restarts from 0 when used again).
            MetricsExpireAfter = TimeSpan.FromDays(1),
        });
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

    public void Dispose() => _adapter.Dispose();
}
