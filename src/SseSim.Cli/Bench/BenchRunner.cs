using System.Collections.Concurrent;
using System.Diagnostics;

namespace SseSim.Cli.Bench;

/// <summary>Counters for one operation name (and for the whole run).</summary>
public sealed class OpStats
{
    private long _successes;
    private long _errors;
    private long _bytes;

    public LatencyHistogram Latency { get; } = new();
    public long Successes => Interlocked.Read(ref _successes);
    public long Errors => Interlocked.Read(ref _errors);
    public long Bytes => Interlocked.Read(ref _bytes);
    public long Ops => Successes + Errors;

    public void Success(long nanoseconds, long bytes)
    {
        Latency.Record(nanoseconds);
        Interlocked.Increment(ref _successes);
        Interlocked.Add(ref _bytes, bytes);
    }

    public void Error(long nanoseconds)
    {
        Latency.Record(nanoseconds);
        Interlocked.Increment(ref _errors);
    }
}

/// <summary>One second of the run, for the time series and the chart.</summary>
public sealed class SecondStats
{
    private long _bytes;
    private long _errors;

    public LatencyHistogram Latency { get; } = new(bits: 5);
    public long Bytes => Interlocked.Read(ref _bytes);
    public long Errors => Interlocked.Read(ref _errors);

    public void Add(long nanoseconds, long bytes, bool error)
    {
        Latency.Record(nanoseconds);
        Interlocked.Add(ref _bytes, bytes);
        if (error)
        {
            Interlocked.Increment(ref _errors);
        }
    }
}

/// <summary>
/// The closed loop: N workers each run one operation at a time until the count is issued or the duration has passed
/// (whichever comes first). An operation in flight when the duration ends completes and counts; none starts after.
/// </summary>
public sealed class BenchRunner(IWorkload workload, int concurrency, long? count, TimeSpan? duration)
{
    private readonly ConcurrentDictionary<string, OpStats> _byOperation = new();
    private readonly ConcurrentDictionary<string, long> _errors = new();
    private readonly ConcurrentDictionary<int, SecondStats> _seconds = new();
    private readonly Stopwatch _clock = new();
    private long _issued;

    public OpStats Total { get; } = new();
    public IReadOnlyDictionary<string, OpStats> ByOperation => _byOperation;
    public IReadOnlyDictionary<string, long> ErrorsByCode => _errors;
    public IReadOnlyDictionary<int, SecondStats> Seconds => _seconds;
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Runs the loop; <paramref name="progress"/> is called about once a second from a timer.</summary>
    public async Task RunAsync(Action<BenchRunner>? progress, CancellationToken cancellationToken)
    {
        _clock.Start();
        using var ticker = progress is null ? null : new Timer(_ => progress(this), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(() => WorkerAsync(w, cancellationToken), CancellationToken.None));
        await Task.WhenAll(workers);
        _clock.Stop();
    }

    private async Task WorkerAsync(int worker, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (duration is { } d && _clock.Elapsed >= d)
            {
                return;
            }
            var sequence = Interlocked.Increment(ref _issued) - 1;
            if (count is { } c && sequence >= c)
            {
                return;
            }
            var started = Stopwatch.GetTimestamp();
            string? error = null;
            OpResult result = default;
            try
            {
                result = await workload.ExecuteAsync(worker, sequence, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Interrupted by the user: not a completed operation.
                return;
            }
            catch (Exception e)
            {
                error = ErrorCodes.Classify(e);
            }
            var nanoseconds = (long)(Stopwatch.GetElapsedTime(started).Ticks * (1_000_000_000.0 / TimeSpan.TicksPerSecond));
            var second = (int)_clock.Elapsed.TotalSeconds;
            var slot = _seconds.GetOrAdd(second, _ => new SecondStats());
            if (error is null)
            {
                Total.Success(nanoseconds, result.Bytes);
                _byOperation.GetOrAdd(result.Operation, _ => new OpStats()).Success(nanoseconds, result.Bytes);
                slot.Add(nanoseconds, result.Bytes, error: false);
            }
            else
            {
                Total.Error(nanoseconds);
                _errors.AddOrUpdate(error, 1, (_, n) => n + 1);
                slot.Add(nanoseconds, 0, error: true);
            }
        }
    }
}
