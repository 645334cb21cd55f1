using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SseSim.Core.Audit;
using SseSim.Core.Aws;
using SseSim.Core.Storage;
using SseSim.Kms.Audit;

namespace SseSim.Kms.Tests.Access;

/// <summary>
/// The in-memory window of retained events reuses the memory of events that left it: what is still retained must read
/// back intact however often that memory went round, and the log keeps every event.
/// </summary>
public sealed class AuditWindowTests
{
    private const int Window = 700;
    private const int Total = 6000;
    private static readonly Caller Caller = new(new Identity("AKIDALICE", "secret", "111111111111", "alice"), "us-east-1");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    // Events of different lengths, so chunk boundaries fall at different places each time round; the window (~2 MB)
    // spans several 1 MiB chunks. Management events, so LookupEvents serves them too.
    private static AuditRecord Refusal(int i) => new("s3.amazonaws.com", "GetBucketTagging", Caller, "AccessDenied", "Access Denied",
        new Dictionary<string, string> { ["bucketName"] = "b", ["key"] = $"k{i}-{new string('x', 1500 + (i % 1500))}" },
        [new AuditResource("AWS::S3::Object", $"arn:aws:s3:::b/k{i}")], ReadOnly: true, DataEvent: false);

    private static string KeyOf(ReadOnlyMemory<byte> json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("requestParameters").GetProperty("key").GetString()!.Split('-')[0];
    }

    private static string IdOf(ReadOnlyMemory<byte> json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("eventID").GetString()!;
    }

    private static void AssertWindowEndsAt(IReadOnlyList<AuditEvent> recent, int newest)
    {
        Assert.Equal(Window, recent.Count);
        for (var j = 0; j < Window; j++)
        {
            var e = recent[j];
            Assert.Equal($"k{newest - j}", KeyOf(e.Utf8Json));
            Assert.Equal(e.EventId, IdOf(e.Utf8Json));
            Assert.Equal([$"arn:aws:s3:::b/k{newest - j}"], e.ResourceArns);
        }
    }

    [Fact]
    public async Task Retained_events_read_back_intact_after_their_memory_was_reused_many_times()
    {
        var log = new InMemoryAppendLog();
        IReadOnlyList<AuditEvent> early;
        await using (var audit = new AuditTrail(log, _time, "us-east-1", Window))
        {
            for (var i = 0; i < Total; i++)
            {
                audit.Record(Refusal(i));
                // Batches smaller than the window: each one reuses memory while older events in it are still retained.
                if (i % 50 == 49)
                {
                    await audit.FlushAsync();
                }
                if (i % 1000 == 999)
                {
                    AssertWindowEndsAt(audit.Recent(), i);
                }
            }
            await audit.FlushAsync();
            early = audit.Recent();
            for (var i = Total; i < Total + Window; i++)
            {
                audit.Record(Refusal(i));
                if (i % 50 == 49)
                {
                    await audit.FlushAsync();
                }
            }
            await audit.FlushAsync();

            // A snapshot's events that have since left the window have no JSON any more rather than someone else's.
            Assert.Equal(Window, early.Count);
            Assert.False(early[0].TryGetUtf8Json(out _));
            Assert.Throws<InvalidOperationException>(() => early[^1].Utf8Json);

            var recent = audit.Recent();
            AssertWindowEndsAt(recent, Total + Window - 1);

            // LookupEvents pages through exactly the window, newest first.
            var paged = new List<AuditEvent>();
            string? token = null;
            do
            {
                var (page, next) = audit.LookupEvents(null, null, null, 50, token);
                paged.AddRange(page);
                token = next;
            }
            while (token is not null);
            Assert.Equal(recent, paged);
            var one = recent[Window / 2];
            Assert.Equal(one, Assert.Single(audit.LookupEvents(new LookupAttribute("EventId", one.EventId), null, null).Events));
            Assert.Empty(audit.LookupEvents(new LookupAttribute("EventId", early[0].EventId), null, null).Events);
        }

        // The log has every event, in order.
        var all = log.ReadAll().ToList();
        Assert.Equal(Total + Window, all.Count);
        for (var i = 0; i < all.Count; i++)
        {
            Assert.Equal($"k{i}", KeyOf(all[i]));
        }

        // A restart holds the newest events of the log in its window.
        await using var restarted = new AuditTrail(log, _time, "us-east-1", Window);
        var reloaded = restarted.Recent();
        Assert.Equal(Window, reloaded.Count);
        Assert.Equal($"k{Total + Window - 1}", KeyOf(reloaded[0].Utf8Json));
        Assert.Equal($"k{Total}", KeyOf(reloaded[^1].Utf8Json));
    }
}
