using System.Text;
using System.Text.Json;
using SseSim.Core.Tracing;

namespace SseSim.Core.Tests.Tracing;

public sealed class FlowJournalTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ssesim-journal-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static void RecordFlow(TraceRecorder recorder, string subject, string operation, string detail)
    {
        var trace = recorder.Begin(requested: false);
        trace.About(subject, operation, "arn:aws:iam::000000000000:root");
        trace.Add("s3:" + operation, detail, fields: new Dictionary<string, string> { ["bucket"] = "b" });
        recorder.Complete(trace);
    }

    [Fact]
    public async Task Flows_come_back_after_reopening_and_a_torn_or_foreign_line_is_skipped()
    {
        var first = new TraceRecorder(TimeProvider.System);
        await using (FlowJournal.Open(first, _dir))
        {
            RecordFlow(first, "s3://b/one", "PutObject", "put one");
            RecordFlow(first, "s3://b/one", "GetObject", "get one");
            RecordFlow(first, "vol-0123456789abcdef0", "AttachVolume", "attach");
        }
        var path = Path.Combine(_dir, "flows.jsonl");
        // A crash mid-append leaves half a line; a damaged file may hold anything.
        await File.AppendAllTextAsync(path, "{\"id\":\"trace-x\",\"subject\":\"s3://b/torn\",\"steps\":[{\"na\nnot json at all\n{\"id\":null}\n");

        var second = new TraceRecorder(TimeProvider.System);
        await using (FlowJournal.Open(second, _dir))
        {
            Assert.Equal(["PutObject", "GetObject"], second.Flows("s3://b/one").Select(f => f.Operation));
            Assert.Equal("get one", second.LastFlow("s3://b/one", "GetObject")!.Steps.Single().Detail);
            Assert.Equal("b", second.LastFlow("s3://b/one", "GetObject")!.Steps.Single().Fields!["bucket"]);
            Assert.Single(second.Flows("vol-0123456789abcdef0"));
            Assert.Empty(second.Flows("s3://b/torn"));
        }
        // Opening rewrote the file with what was kept: the damaged lines are gone.
        Assert.Equal(3, File.ReadAllLines(path).Length);
    }

    [Fact]
    public void A_line_is_the_web_default_JSON_of_the_flow_and_reads_back_whole()
    {
        var recorder = new TraceRecorder(TimeProvider.System);
        var trace = recorder.Begin(requested: false);
        trace.About("s3://b/k\u00e9y \"q\"", "GetObject", null);
        trace.Add("kms:Decrypt", "unwrap <key> & check", kmsEventId: "ev-1", duration: TimeSpan.FromMilliseconds(1.25),
            fields: new Dictionary<string, string> { ["keyArn"] = "arn:aws:kms:us-east-1:000000000000:key/x", ["Mixed Case"] = "\u2603" });
        trace.Add("s3:decrypt", "segments");
        trace.Fail("AccessDenied");
        recorder.Complete(trace);

        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            FlowJournal.Write(w, trace);
        }
        var line = Encoding.UTF8.GetString(buffer.ToArray());

        // What the journal wrote before it had its own writer (the serializer over a DTO with web defaults).
        var expected = JsonSerializer.Serialize(new
        {
            id = trace.Id,
            started = trace.Started,
            subject = trace.Subject,
            operation = trace.Operation,
            identity = trace.Identity,
            totalMs = trace.TotalMs,
            error = trace.Error,
            steps = trace.Steps.Select(s => new
            {
                name = s.Name,
                detail = s.Detail,
                at = s.At,
                offsetMs = s.OffsetMs,
                durationMs = s.DurationMs,
                kmsEventId = s.KmsEventId,
                fields = s.Fields is null ? null : new Dictionary<string, string>(s.Fields),
            }),
        }, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Assert.Equal(expected, line);

        var back = FlowJournal.TryParse(line, TimeProvider.System)!;
        Assert.Equal((trace.Id, trace.Started, trace.Subject, trace.Operation, trace.Identity, trace.TotalMs, trace.Error),
            (back.Id, back.Started, back.Subject, back.Operation, back.Identity, back.TotalMs, back.Error));
        Assert.Equal(trace.Steps.Count, back.Steps.Count);
        for (var i = 0; i < trace.Steps.Count; i++)
        {
            var (a, b) = (trace.Steps[i], back.Steps[i]);
            Assert.Equal((a.Name, a.Detail, a.At, a.OffsetMs, a.DurationMs, a.KmsEventId), (b.Name, b.Detail, b.At, b.OffsetMs, b.DurationMs, b.KmsEventId));
            Assert.Equal(a.Fields?.OrderBy(f => f.Key, StringComparer.Ordinal), b.Fields?.OrderBy(f => f.Key, StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task A_batch_writes_only_the_last_flow_of_each_operation_on_a_subject_and_restores_the_same_state()
    {
        var flows = new List<(string Subject, string Operation, string Detail)>
        {
            ("s3://b/a", "GetObject", "get a 1"),
            ("s3://b/b", "PutObject", "put b"),
            ("s3://b/a", "PutObject", "put a"),
            ("s3://b/a", "GetObject", "get a 2"),
            ("s3://b/b", "GetObject", "get b"),
            ("s3://b/a", "GetObject", "get a 3"),
        };
        var batch = new List<FlowTrace>();
        var direct = new TraceRecorder(TimeProvider.System);
        foreach (var (subject, operation, detail) in flows)
        {
            var trace = direct.Begin(requested: false);
            trace.About(subject, operation, null);
            trace.Add("step", detail);
            direct.Complete(trace);
            batch.Add(trace);
        }

        var latest = FlowJournal.Latest(batch, []);
        Assert.Equal(["put b", "put a", "get b", "get a 3"], latest.Select(f => f.Steps.Single().Detail));

        // Replaying the coalesced batch gives what the recorder holds after every flow.
        var replayed = new TraceRecorder(TimeProvider.System);
        foreach (var flow in latest)
        {
            replayed.Restore(flow);
        }
        foreach (var subject in new[] { "s3://b/a", "s3://b/b" })
        {
            Assert.Equal(direct.Flows(subject).Select(f => f.Id), replayed.Flows(subject).Select(f => f.Id));
        }

        // Through the journal itself: many reads of one object in one window come back as its last read.
        var first = new TraceRecorder(TimeProvider.System);
        await using (FlowJournal.Open(first, _dir))
        {
            for (var i = 0; i < 50; i++)
            {
                RecordFlow(first, "s3://b/hot", "GetObject", "read " + i);
            }
        }
        var second = new TraceRecorder(TimeProvider.System);
        await using (FlowJournal.Open(second, _dir))
        {
            Assert.Equal("read 49", second.LastFlow("s3://b/hot", "GetObject")!.Steps.Single().Detail);
        }
    }
}
