using System.Security.Cryptography;

namespace SseSim.Core.Tracing;

/// <summary>
/// Bounded in-memory store of traces: every requested trace by id, and the last flow of each operation on each
/// subject (object or volume), so "how was this decrypted?" works for any object without the client having asked.
/// Oldest entries are dropped first. Subject flows are handed to <see cref="SubjectFlowCompleted"/> (the host's
/// <see cref="FlowJournal"/> keeps them across restarts); traces known only by id live in memory.
/// </summary>
public sealed class TraceRecorder(TimeProvider time, int maxTraces = 2048, int maxSubjects = 4096, int flowsPerSubject = 8)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, FlowTrace> _byId = new(StringComparer.Ordinal);
    private readonly Queue<string> _idOrder = new();
    private readonly Dictionary<string, List<FlowTrace>> _bySubject = new(StringComparer.Ordinal);
    private readonly Queue<string> _subjectOrder = new();

    public TimeProvider Time => time;

    /// <summary>Raised after a flow about an object or volume is kept (outside the recorder's lock).</summary>
    public event Action<FlowTrace>? SubjectFlowCompleted;

    /// <summary>Starts a trace and makes it the ambient one for the calling async flow.</summary>
    public FlowTrace Begin(bool requested)
    {
        var trace = new FlowTrace(NewId(), time, requested);
        Tracer.Use(trace);
        return trace;
    }

    /// <summary>Keeps the trace if it was asked for or is about a subject; otherwise it is dropped.</summary>
    public void Complete(FlowTrace trace)
    {
        trace.Complete();
        if (Tracer.Current == trace)
        {
            Tracer.Use(null);
        }
        Keep(trace);
        if (trace.Subject is not null && trace.Steps.Count > 0)
        {
            SubjectFlowCompleted?.Invoke(trace);
        }
    }

    /// <summary>Puts a flow read back from the journal in place, as if it had just completed.</summary>
    public void Restore(FlowTrace trace) => Keep(trace);

    /// <summary>Every kept subject flow, oldest subject first (what the journal rewrites when it compacts).</summary>
    public IReadOnlyList<FlowTrace> AllSubjectFlows()
    {
        lock (_lock)
        {
            return [.. _subjectOrder.Where(_bySubject.ContainsKey).Distinct().SelectMany(s => _bySubject[s]).OrderBy(f => f.Started)];
        }
    }

    private void Keep(FlowTrace trace)
    {
        lock (_lock)
        {
            if (trace.Requested && _byId.TryAdd(trace.Id, trace))
            {
                _idOrder.Enqueue(trace.Id);
                while (_idOrder.Count > maxTraces)
                {
                    _byId.Remove(_idOrder.Dequeue());
                }
            }
            if (trace.Subject is { } subject && trace.Steps.Count > 0)
            {
                if (!_bySubject.TryGetValue(subject, out var flows))
                {
                    flows = [];
                    _bySubject[subject] = flows;
                    _subjectOrder.Enqueue(subject);
                    while (_subjectOrder.Count > maxSubjects)
                    {
                        _bySubject.Remove(_subjectOrder.Dequeue());
                    }
                }
                // One flow per operation: a volume keeps its CreateVolume beside the latest attach and detach.
                flows.RemoveAll(f => f.Operation == trace.Operation);
                flows.Add(trace);
                if (flows.Count > flowsPerSubject)
                {
                    flows.RemoveAt(0);
                }
            }
        }
    }

    public FlowTrace? Find(string id)
    {
        lock (_lock)
        {
            return _byId.GetValueOrDefault(id);
        }
    }

    /// <summary>The recorded flows of <paramref name="subject"/>, oldest first.</summary>
    public IReadOnlyList<FlowTrace> Flows(string subject)
    {
        lock (_lock)
        {
            return _bySubject.TryGetValue(subject, out var flows) ? [.. flows] : [];
        }
    }

    /// <summary>The most recent flow of <paramref name="subject"/> whose operation is one of <paramref name="operations"/>.</summary>
    public FlowTrace? LastFlow(string subject, params string[] operations)
    {
        var flows = Flows(subject);
        for (var i = flows.Count - 1; i >= 0; i--)
        {
            if (operations.Length == 0 || operations.Contains(flows[i].Operation))
            {
                return flows[i];
            }
        }
        return null;
    }

    private static string NewId() => "trace-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
