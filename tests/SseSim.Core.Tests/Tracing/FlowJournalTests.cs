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
}
