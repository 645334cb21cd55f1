using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace SseSim.Core.Tracing;

/// <summary>
/// Keeps the recorder's object and volume flows across restarts, so "how was this decrypted?" still answers for an
/// object last read before the restart. One JSON object per line in <c>traces/flows.jsonl</c> under the data dir;
/// steps are strings only (see <see cref="TraceStep"/>), so the file never holds key bytes.
/// <list type="bullet">
/// <item>Appends run on a background task, batched over a quarter second; a teaching aid, so they are not fsynced and a
/// crash may lose the last second of flows. When more than <see cref="MaxPending"/> wait, the oldest are dropped, never the request.</item>
/// <item>At start the file is read (a torn or unreadable line is skipped) and rewritten with what the recorder kept;
/// past <see cref="CompactBytes"/> it is rewritten the same way, so its size stays bounded.</item>
/// </list>
/// </summary>
public sealed class FlowJournal : IAsyncDisposable
{
    public const int MaxPending = 4096;
    public const long CompactBytes = 32L * 1024 * 1024;

    /// <summary>How long the writer gathers flows before appending them (the "last moment" a crash may lose).</summary>
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(250);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly TraceRecorder _recorder;
    private readonly string _path;
    private readonly Channel<FlowTrace> _pending = Channel.CreateBounded<FlowTrace>(
        new BoundedChannelOptions(MaxPending) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly Task _writer;
    private readonly CancellationTokenSource _closing = new();

    private FlowJournal(TraceRecorder recorder, string path)
    {
        _recorder = recorder;
        _path = path;
        _recorder.SubjectFlowCompleted += Enqueue;
        _writer = Task.Run(WriteLoopAsync);
    }

    public string Path => _path;

    /// <summary>Loads the journal under <paramref name="directory"/> into the recorder, compacts it, and starts appending.</summary>
    public static FlowJournal Open(TraceRecorder recorder, string directory)
    {
        Storage.DirectorySync.CreateDurable(directory);
        var path = System.IO.Path.Combine(directory, "flows.jsonl");
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path, Encoding.UTF8))
            {
                if (TryParse(line, recorder.Time) is { } flow)
                {
                    recorder.Restore(flow);
                }
            }
        }
        Rewrite(recorder, path);
        return new FlowJournal(recorder, path);
    }

    private void Enqueue(FlowTrace flow) => _pending.Writer.TryWrite(flow);

    private async Task WriteLoopAsync()
    {
        // One append stream for the journal's life (reopened after a compaction or an I/O error): opening, locking,
        // stat-ing and closing the file per batch cost more than the writes themselves.
        FileStream? file = null;
        Utf8JsonWriter? json = null;
        var batch = new List<FlowTrace>();
        var seen = new HashSet<(string?, string?)>();
        try
        {
            while (await _pending.Reader.WaitToReadAsync())
            {
                // Gather a window of flows so a busy server appends a few times a second, not once per request.
                try
                {
                    await Task.Delay(Linger, _closing.Token);
                }
                catch (OperationCanceledException)
                {
                    // Closing: write what is queued now.
                }
                try
                {
                    file ??= new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 64 * 1024);
                    if (json is null)
                    {
                        json = new Utf8JsonWriter(file);
                    }
                    else
                    {
                        json.Reset(file);
                    }
                    batch.Clear();
                    while (_pending.Reader.TryRead(out var flow))
                    {
                        batch.Add(flow);
                    }
                    foreach (var flow in Latest(batch, seen))
                    {
                        Write(json, flow);
                        json.Flush();
                        json.Reset();
                        file.WriteByte((byte)'\n');
                    }
                    await file.FlushAsync();
                    if (file.Position > CompactBytes)
                    {
                        await file.DisposeAsync();
                        file = null;
                        Rewrite(_recorder, _path);
                    }
                }
                catch (IOException)
                {
                    // A full or failing disk loses flows, never a request: the dashboard still has them in memory.
                    Drain();
                    if (file is not null)
                    {
                        DisposeQuietly(file);
                        file = null;
                    }
                }
            }
        }
        finally
        {
            json?.Dispose();
            if (file is not null)
            {
                DisposeQuietly(file);
            }
        }
    }

    private void Drain()
    {
        while (_pending.Reader.TryRead(out _))
        {
        }
    }

    private static void DisposeQuietly(FileStream file)
    {
        try
        {
            file.Dispose();
        }
        catch (IOException)
        {
            // The buffered tail is lost like any other flow on a failing disk.
        }
    }

    /// <summary>Replaces the file with the recorder's flows (temp file, then rename: a crash leaves the old or the new one).</summary>
    private static void Rewrite(TraceRecorder recorder, string path)
    {
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            using var json = new Utf8JsonWriter(file);
            foreach (var flow in recorder.AllSubjectFlows())
            {
                Write(json, flow);
                json.Flush();
                json.Reset();
                file.WriteByte((byte)'\n');
            }
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        // Like every name SseSim creates under the data dir, the rename is made durable (DirectoryFsyncTests).
        Storage.DirectorySync.Sync(System.IO.Path.GetDirectoryName(path)!);
    }

    /// <summary>
    /// Of one batch, the last flow of each (subject, operation), in the order of those last flows: the recorder keeps
    /// only the latest flow per operation of a subject, so replaying just these restores the same state.
    /// </summary>
    internal static List<FlowTrace> Latest(List<FlowTrace> batch, HashSet<(string?, string?)> seen)
    {
        seen.Clear();
        var latest = new List<FlowTrace>(batch.Count);
        for (var i = batch.Count - 1; i >= 0; i--)
        {
            if (seen.Add((batch[i].Subject, batch[i].Operation)))
            {
                latest.Add(batch[i]);
            }
        }
        latest.Reverse();
        return latest;
    }

    /// <summary>
    /// One journal line, written member by member: the JSON of <see cref="Dto"/> with web defaults
    /// (which <see cref="TryParse"/> reads), without a DTO per flow and the reflection-driven serializer.
    /// </summary>
    internal static void Write(Utf8JsonWriter w, FlowTrace t)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, t.Id);
        w.WriteString("started"u8, t.Started);
        WriteStringOrNull(w, "subject"u8, t.Subject);
        WriteStringOrNull(w, "operation"u8, t.Operation);
        WriteStringOrNull(w, "identity"u8, t.Identity);
        if (t.TotalMs is { } total)
        {
            w.WriteNumber("totalMs"u8, total);
        }
        else
        {
            w.WriteNull("totalMs"u8);
        }
        WriteStringOrNull(w, "error"u8, t.Error);
        w.WriteStartArray("steps"u8);
        foreach (var s in t.Steps)
        {
            w.WriteStartObject();
            w.WriteString("name"u8, s.Name);
            w.WriteString("detail"u8, s.Detail);
            w.WriteString("at"u8, s.At);
            w.WriteNumber("offsetMs"u8, s.OffsetMs);
            if (s.DurationMs is { } duration)
            {
                w.WriteNumber("durationMs"u8, duration);
            }
            else
            {
                w.WriteNull("durationMs"u8);
            }
            WriteStringOrNull(w, "kmsEventId"u8, s.KmsEventId);
            if (s.Fields is null)
            {
                w.WriteNull("fields"u8);
            }
            else
            {
                w.WriteStartObject("fields"u8);
                foreach (var (name, value) in s.Fields)
                {
                    w.WriteString(name, value);
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteStringOrNull(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    internal static FlowTrace? TryParse(string line, TimeProvider time)
    {
        try
        {
            var d = JsonSerializer.Deserialize<Dto>(line, Json);
            if (d?.Id is null || d.Subject is null || d.Steps is null || d.Steps.Any(s => s is null || s.Name is null || s.Detail is null))
            {
                return null;
            }
            return FlowTrace.Restore(d.Id, time, d.Started, d.Subject, d.Operation, d.Identity, d.TotalMs, d.Error,
                [.. d.Steps.Select(s => new TraceStep(s.Name, s.Detail, s.At, s.OffsetMs, s.DurationMs, s.KmsEventId, s.Fields))]);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _recorder.SubjectFlowCompleted -= Enqueue;
        _pending.Writer.TryComplete();
        await _closing.CancelAsync();
        await _writer;
        _closing.Dispose();
    }

    private sealed record StepDto(string Name, string Detail, DateTimeOffset At, double OffsetMs, double? DurationMs, string? KmsEventId,
        Dictionary<string, string>? Fields);

    private sealed record Dto(string? Id, DateTimeOffset Started, string? Subject, string? Operation, string? Identity, double? TotalMs,
        string? Error, List<StepDto>? Steps);
}
