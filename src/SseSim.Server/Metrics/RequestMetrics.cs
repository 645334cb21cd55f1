using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SseSim.Server.Metrics;

/// <summary>
/// Request latency per API (kms, cloudtrail, s3, ec2, ebs) and operation. Each endpoint names its operation with
/// <see cref="Tag"/> once it knows it; the host's middleware times the whole request and records it if named.
/// </summary>
public sealed class RequestMetrics
{
    public const string MeterName = "SseSim.Server";
    private const string ItemKey = "ssesim.api-operation";

    private readonly Histogram<double> _duration;

    public RequestMetrics(IMeterFactory factory)
    {
        var meter = factory.Create(MeterName);
        _duration = meter.CreateHistogram<double>("ssesim.request.duration", unit: "s",
            description: "Request latency per API and operation, from the first byte read to the last byte written.");
    }

    /// <summary>Latency buckets in seconds: 0.5 ms to 30 s, enough to see injected KMS latency of a few ms.</summary>
    public static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    public static void Tag(HttpContext context, string api, string operation) => context.Items[ItemKey] = (api, operation);

    public async Task MeasureAsync(HttpContext context, RequestDelegate next)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            if (context.Items.TryGetValue(ItemKey, out var value) && value is (string api, string operation))
            {
                _duration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds,
                    new("api", api), new("operation", operation), new("status", StatusClass(context.Response.StatusCode)));
            }
        }
    }

    private static string StatusClass(int status) => status switch
    {
        < 300 => "2xx",
        < 400 => "3xx",
        < 500 => "4xx",
        _ => "5xx",
    };
}
