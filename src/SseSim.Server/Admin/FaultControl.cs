using SseSim.Core.Faults;
using SseSim.Kms;
using SseSim.Kms.Faults;

namespace SseSim.Server.Admin;

/// <summary>
/// The server's one place that turns a <see cref="FaultsDocument"/> into the domains' settings: KMS faults and
/// request quotas (Kms) and volume I/O latency (Core, read by Volumes), so the domains never know each other.
/// Everything is validated before anything is installed.
/// </summary>
public sealed class FaultControl(KmsService kms, IoLatencyFault volumeLatency, TimeProvider time)
{
    private readonly Lock _lock = new();

    public FaultsDocument Describe()
    {
        var k = kms.Faults.Current;
        var q = kms.Quotas.Current;
        return new FaultsDocument
        {
            Kms = new KmsFaultsDocument
            {
                Latency = [.. k.Latencies.Select(l => new LatencyDocument(l.Operation, l.Latency.TotalMilliseconds, l.Jitter.TotalMilliseconds))],
                Errors = [.. k.Errors.Select(e => new ErrorDocument(e.Operation, e.Rate, e.ErrorCode))],
                Outage = k.Outage is { } o && o.End > time.GetUtcNow()
                    ? new OutageDocument { Start = o.Start, End = o.End, ErrorCode = o.ErrorCode }
                    : null,
            },
            Quotas = new QuotasDocument { Enabled = q.Enabled, SymmetricRps = q.SymmetricRequestsPerSecond, RsaRps = q.RsaRequestsPerSecond, EccRps = q.EccRequestsPerSecond },
            Volumes = volumeLatency.Current is { } v ? new VolumeFaultsDocument(v.Latency.TotalMilliseconds, v.Jitter.TotalMilliseconds) : null,
        };
    }

    /// <summary>Installs the sections present in <paramref name="update"/>; throws ArgumentException (nothing changed) when invalid.</summary>
    public void Apply(FaultsDocument update)
    {
        lock (_lock)
        {
            var current = kms.Faults.Current;
            var faults = current with
            {
                Latencies = update.Kms?.Latency is { } latencies ? [.. latencies.Select(ToLatency)] : current.Latencies,
                Errors = update.Kms?.Errors is { } errors ? [.. errors.Select(ToError)] : current.Errors,
                Outage = update.Kms?.Outage is { } outage ? ToOutage(outage) : current.Outage,
            };
            var q = kms.Quotas.Current;
            var quotas = update.Quotas is { } u
                ? new QuotaSettings(u.Enabled ?? q.Enabled, u.SymmetricRps ?? q.SymmetricRequestsPerSecond, u.RsaRps ?? q.RsaRequestsPerSecond, u.EccRps ?? q.EccRequestsPerSecond)
                : q;
            var volumes = update.Volumes is { } vol
                ? vol is { LatencyMs: 0, JitterMs: 0 } ? null : new IoLatency(Milliseconds(vol.LatencyMs), Milliseconds(vol.JitterMs))
                : volumeLatency.Current;

            KmsFaults.Validate(faults);
            RequestQuotas.Validate(quotas);
            IoLatencyFault.Validate(volumes);
            kms.Faults.Set(faults);
            if (quotas != q)
            {
                kms.Quotas.Set(quotas);
            }
            volumeLatency.Set(volumes);
        }
    }

    /// <summary>Removes every fault and returns the quotas to their configured rates.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            kms.Faults.Clear();
            kms.Quotas.Reset();
            volumeLatency.Set(null);
        }
    }

    private static KmsLatencyFault ToLatency(LatencyDocument l) =>
        new(NullIfEmpty(l.Operation), Milliseconds(l.LatencyMs), Milliseconds(l.JitterMs));

    private static KmsErrorFault ToError(ErrorDocument e) =>
        new(NullIfEmpty(e.Operation), e.Rate, e.ErrorCode ?? throw new ArgumentException("An error fault needs an errorCode."));

    private KmsOutage? ToOutage(OutageDocument o)
    {
        var code = o.ErrorCode ?? KmsFaults.DefaultOutageError;
        if (o.DurationSeconds is { } seconds)
        {
            if (seconds is < 0 or > 7 * 24 * 3600 || double.IsNaN(seconds))
            {
                throw new ArgumentException("durationSeconds must be between 0 and 604800.");
            }
            var start = o.Start ?? time.GetUtcNow();
            return seconds == 0 ? null : new KmsOutage(start, start.AddSeconds(seconds), code);
        }
        if (o.Start is { } s && o.End is { } e)
        {
            return new KmsOutage(s, e, code);
        }
        throw new ArgumentException("An outage needs durationSeconds, or start and end.");
    }

    private static TimeSpan Milliseconds(double ms) =>
        double.IsFinite(ms) && ms is >= 0 and <= 3_600_000 ? TimeSpan.FromMilliseconds(ms) : throw new ArgumentException("Latencies are milliseconds between 0 and 3,600,000.");

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) || s == "*" ? null : s;
}
