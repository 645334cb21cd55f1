using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SseSim.Core.Secrets;
using SseSim.Core.Tracing;

namespace SseSim.Core.Tests.Tracing;

public sealed class TraceRecorderTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    [Fact]
    public async Task Steps_added_anywhere_below_the_request_land_in_its_trace_in_order()
    {
        var recorder = new TraceRecorder(_time);
        var trace = recorder.Begin(requested: true);
        await Task.Run(async () =>
        {
            Tracer.Current!.About("s3://b/k", "GetObject", "arn:aws:iam::000000000000:root");
            Tracer.Current.Add("s3:GetObject", "request");
            await Task.Yield();
            Tracer.Current.Add("kms:Decrypt", "decrypt", kmsEventId: "event-1", duration: TimeSpan.FromMilliseconds(2));
        });
        recorder.Complete(trace);

        Assert.Null(Tracer.Current);
        var found = recorder.Find(trace.Id);
        Assert.Same(trace, found);
        Assert.Equal(["s3:GetObject", "kms:Decrypt"], found!.Steps.Select(s => s.Name));
        Assert.Equal("event-1", found.Steps[1].KmsEventId);
        Assert.Equal(2, found.Steps[1].DurationMs);
        Assert.Equal(_time.GetUtcNow(), found.Steps[0].At);
        Assert.NotNull(found.TotalMs);
        Assert.Same(trace, recorder.LastFlow("s3://b/k", "GetObject", "PutObject"));
    }

    [Fact]
    public void The_first_About_names_the_flow()
    {
        var trace = new FlowTrace("t", _time, false);
        trace.About("vol-1", "AttachVolume", "me");
        trace.About("vol-2", "DetachVolume", "other");
        Assert.Equal(("vol-1", "AttachVolume", "me"), (trace.Subject, trace.Operation, trace.Identity));
    }

    [Fact]
    public void Unrequested_traces_are_kept_only_as_the_last_flows_of_their_subject()
    {
        var recorder = new TraceRecorder(_time);
        var anonymous = recorder.Begin(requested: false);
        anonymous.Add("s3:ListBuckets", "no subject");
        recorder.Complete(anonymous);
        var flow = recorder.Begin(requested: false);
        flow.About("s3://b/k", "PutObject", null);
        flow.Add("s3:PutObject", "request");
        recorder.Complete(flow);

        Assert.Null(recorder.Find(anonymous.Id));
        Assert.Null(recorder.Find(flow.Id));
        Assert.Same(flow, recorder.LastFlow("s3://b/k"));
        Assert.Null(recorder.LastFlow("s3://b/k", "GetObject"));
    }

    [Fact]
    public void The_store_is_bounded_and_drops_the_oldest_first()
    {
        var recorder = new TraceRecorder(_time, maxTraces: 3, maxSubjects: 2, flowsPerSubject: 2);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var t = recorder.Begin(requested: true);
            t.About($"s{i % 3}", "Op" + i, null);
            t.Add("step", "x");
            recorder.Complete(t);
            ids.Add(t.Id);
        }
        Assert.All(ids.Take(2), id => Assert.Null(recorder.Find(id)));
        Assert.All(ids.Skip(2), id => Assert.NotNull(recorder.Find(id)));
        // Subjects come and go first in, first out: s0, s1, s2, then s0 and s1 again push out s2's predecessors.
        Assert.Empty(recorder.Flows("s2"));
        Assert.Equal(["Op3"], recorder.Flows("s0").Select(f => f.Operation));
        Assert.Equal(["Op4"], recorder.Flows("s1").Select(f => f.Operation));
    }

    [Fact]
    public void Flows_keep_at_most_the_configured_number_per_subject()
    {
        var recorder = new TraceRecorder(_time, flowsPerSubject: 3);
        for (var i = 0; i < 10; i++)
        {
            var t = recorder.Begin(requested: false);
            t.About("vol-1", "Op" + i, null);
            t.Add("step", "x");
            recorder.Complete(t);
        }
        Assert.Equal(["Op7", "Op8", "Op9"], recorder.Flows("vol-1").Select(f => f.Operation));
    }

    [Fact]
    public void A_subject_keeps_the_latest_flow_of_each_operation()
    {
        var recorder = new TraceRecorder(_time);
        var traces = new List<FlowTrace>();
        foreach (var op in new[] { "CreateVolume", "AttachVolume", "DetachVolume", "AttachVolume", "DetachVolume", "AttachVolume" })
        {
            var t = recorder.Begin(requested: false);
            t.About("vol-1", op, null);
            t.Add("step", op);
            recorder.Complete(t);
            traces.Add(t);
        }
        Assert.Equal([traces[0], traces[4], traces[5]], recorder.Flows("vol-1"));
    }

    [Fact]
    public void Recording_with_no_active_trace_is_a_no_op()
    {
        Tracer.Use(null);
        Tracer.Current?.Add("never", "recorded");
        Assert.Null(Tracer.Current);
    }

    /// <summary>
    /// Structural proof that key bytes cannot reach a trace: every way in takes strings, times and numbers only,
    /// so neither a SecretBytes, a byte array nor a span can be passed, and what a step holds is strings.
    /// </summary>
    [Fact]
    public void No_member_of_the_trace_API_accepts_or_holds_bytes()
    {
        var allowed = new HashSet<Type>
        {
            typeof(string), typeof(string[]), typeof(bool), typeof(int), typeof(double), typeof(double?), typeof(TimeSpan?), typeof(DateTimeOffset),
            typeof(TimeProvider), typeof(FlowTrace), typeof(TraceStep), typeof(IReadOnlyDictionary<string, string>), typeof(IReadOnlyList<TraceStep>),
            typeof(IReadOnlyList<FlowTrace>), typeof(void), typeof(object), typeof(Type),
            // SubjectFlowCompleted's add/remove: a handler receives a FlowTrace, which holds strings only.
            typeof(Action<FlowTrace>),
        };
        foreach (var type in new[] { typeof(FlowTrace), typeof(TraceStep), typeof(TraceRecorder), typeof(Tracer) })
        {
            var members = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => m.Name is not ("Equals" or "GetHashCode" or "ToString" or "PrintMembers" or "<Clone>$" or "op_Equality" or "op_Inequality" or "Deconstruct"))
                .SelectMany(m => m.GetParameters().Select(p => (Where: $"{type.Name}.{m.Name}({p.Name})", p.ParameterType)).Append(($"{type.Name}.{m.Name} returns", m.ReturnType)))
                .Concat(type.GetConstructors().SelectMany(c => c.GetParameters().Select(p => ($"{type.Name} ctor({p.Name})", p.ParameterType))));
            foreach (var (where, parameterType) in members)
            {
                Assert.True(allowed.Contains(parameterType) || parameterType == typeof(EqualityContract), $"{where} has type {parameterType}");
            }
        }
    }

    private sealed class EqualityContract;

    [Fact]
    public void A_secret_passed_as_text_is_redacted_by_its_own_ToString()
    {
        using var secret = SecretBytes.CopyFrom([0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04]);
        var trace = new FlowTrace("t", _time, true);
        trace.Add("key:in-memory", $"key {secret}");
        var json = JsonSerializer.Serialize(trace.Steps);
        Assert.DoesNotContain("deadbeef", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(secret.UnsafeExpose()), json, StringComparison.Ordinal);
        Assert.Contains("redacted", json, StringComparison.Ordinal);
    }
}
