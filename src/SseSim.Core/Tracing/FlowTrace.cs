using System.Diagnostics;

namespace SseSim.Core.Tracing;

/// <summary>
/// One recorded step of a flow. Every member is a string or a time: the type cannot carry key bytes, and callers
/// describe keys only by ARN, size or material id (a data key's bytes never reach a trace).
/// </summary>
public sealed record TraceStep(
    string Name,
    string Detail,
    DateTimeOffset At,
    double OffsetMs,
    double? DurationMs,
    string? KmsEventId,
    IReadOnlyDictionary<string, string>? Fields);

/// <summary>
/// The steps of one S3, EC2 or EBS request, in order. Domain code adds steps through <see cref="Tracer"/>;
/// the host completes the trace into the <see cref="TraceRecorder"/>.
/// </summary>
public sealed class FlowTrace
{
    private readonly List<TraceStep> _steps = [];
    private readonly Lock _lock = new();
    private readonly long _startTimestamp;
    private readonly TimeProvider _time;

    public FlowTrace(string id, TimeProvider time, bool requested)
    {
        Id = id;
        _time = time;
        Requested = requested;
        Started = time.GetUtcNow();
        _startTimestamp = Stopwatch.GetTimestamp();
    }

    /// <summary>A flow read back from the journal (<see cref="FlowJournal"/>): complete, steps as recorded.</summary>
    public static FlowTrace Restore(string id, TimeProvider time, DateTimeOffset started, string? subject, string? operation, string? identity,
        double? totalMs, string? error, IReadOnlyList<TraceStep> steps)
    {
        var trace = new FlowTrace(id, time, requested: false)
        {
            Started = started,
            Subject = subject,
            Operation = operation,
            Identity = identity,
            TotalMs = totalMs,
            Error = error,
        };
        trace._steps.AddRange(steps);
        return trace;
    }

    public string Id { get; }

    /// <summary>True when the client asked for the trace (x-ssesim-trace: 1): it is kept by id as well.</summary>
    public bool Requested { get; }

    public DateTimeOffset Started { get; private init; }

    /// <summary>What the flow is about: "s3://bucket/key" or a volume id; null for requests that are no flow.</summary>
    public string? Subject { get; private set; }

    /// <summary>The API action, e.g. GetObject or AttachVolume.</summary>
    public string? Operation { get; private set; }

    /// <summary>The caller's ARN.</summary>
    public string? Identity { get; private set; }

    /// <summary>Total time from the first to the last step, in milliseconds; set when completed.</summary>
    public double? TotalMs { get; private set; }

    public string? Error { get; private set; }

    public IReadOnlyList<TraceStep> Steps
    {
        get
        {
            lock (_lock)
            {
                return [.. _steps];
            }
        }
    }

    /// <summary>Names the flow; the first call wins so a nested helper cannot rename it.</summary>
    public void About(string subject, string operation, string? identity)
    {
        lock (_lock)
        {
            if (Subject is null)
            {
                Subject = subject;
                Operation = operation;
                Identity = identity;
            }
        }
    }

    public void Add(string name, string detail, string? kmsEventId = null, TimeSpan? duration = null, IReadOnlyDictionary<string, string>? fields = null)
    {
        var offset = Stopwatch.GetElapsedTime(_startTimestamp);
        var step = new TraceStep(name, detail, _time.GetUtcNow(), Math.Round(offset.TotalMilliseconds, 3),
            duration is { } d ? Math.Round(d.TotalMilliseconds, 3) : null, kmsEventId, fields);
        lock (_lock)
        {
            _steps.Add(step);
        }
    }

    public void Fail(string error)
    {
        lock (_lock)
        {
            Error ??= error;
        }
    }

    internal void Complete() => TotalMs = Math.Round(Stopwatch.GetElapsedTime(_startTimestamp).TotalMilliseconds, 3);
}

/// <summary>The ambient trace of the current request (an AsyncLocal), so domain code needs no extra parameters.</summary>
public static class Tracer
{
    private static readonly AsyncLocal<FlowTrace?> Ambient = new();

    /// <summary>The trace of the request in flight, or null (then recording a step costs nothing).</summary>
    public static FlowTrace? Current => Ambient.Value;

    /// <summary>Makes <paramref name="trace"/> current for this async flow and everything it awaits.</summary>
    public static void Use(FlowTrace? trace) => Ambient.Value = trace;
}
