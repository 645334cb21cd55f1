namespace SseSim.Core.Faults;

/// <summary>A fixed latency plus up to <see cref="Jitter"/> more, drawn uniformly per I/O.</summary>
public sealed record IoLatency(TimeSpan Latency, TimeSpan Jitter);

/// <summary>
/// Added latency on volume I/O, set at run time by the server's fault-injection endpoint and read by the volume
/// driver on every NBD read and write. It lives in Core so the Volumes domain needs no reference to whoever sets it.
/// </summary>
public sealed class IoLatencyFault(TimeProvider time, Func<double>? random = null)
{
    private readonly Func<double> _random = random ?? Random.Shared.NextDouble;
    private IoLatency? _current;

    public IoLatency? Current => Volatile.Read(ref _current);

    /// <summary>Installs a latency (null clears it); throws ArgumentException outside 0..1 minute.</summary>
    public void Set(IoLatency? latency)
    {
        Validate(latency);
        Volatile.Write(ref _current, latency);
    }

    public static void Validate(IoLatency? latency)
    {
        if (latency is { } l && (l.Latency < TimeSpan.Zero || l.Jitter < TimeSpan.Zero || l.Latency + l.Jitter > TimeSpan.FromMinutes(1)))
        {
            throw new ArgumentException("Volume latency and jitter must be between 0 and 1 minute.");
        }
    }

    public ValueTask ApplyAsync(CancellationToken cancellationToken)
    {
        if (Current is not { } l)
        {
            return ValueTask.CompletedTask;
        }
        var delay = l.Latency + (l.Jitter * _random());
        return delay > TimeSpan.Zero ? new ValueTask(Task.Delay(delay, time, cancellationToken)) : ValueTask.CompletedTask;
    }
}
