using Microsoft.Extensions.Time.Testing;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Kms.Crypto;
using SseSim.Kms.Operations;
using static SseSim.Kms.Tests.Access.AccessKit;

namespace SseSim.Kms.Tests.Access;

/// <summary>
/// A mutation's audit event is committed with the change (the outbox in the KMS table), so a crash between the
/// change and the audit log's commit cannot leave a key without its CreateKey event.
/// </summary>
public sealed class AuditOutboxTests
{
    private static readonly KmsOptions Options = new() { QuotasEnabled = false };
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly RootKey _root = new(SecretBytes.Random(32));

    [Fact]
    public async Task A_change_whose_audit_append_never_committed_gets_its_event_at_restart()
    {
        var table = new InMemoryKeyValueStore();
        var crashed = new KmsService(Options, new TableAndLog(table, new NeverDurableLog()), _root, _time);
        var call = crashed.InvokeAsync(As(Alice), "CreateKey", new CreateKeyRequest { Description = "cut short" }, CreateKey.ExecuteAsync);
        for (var i = 0; i < 500 && !crashed.Store.Keys.Any(); i++)
        {
            await Task.Delay(10);
        }
        var key = Assert.Single(crashed.Store.Keys);
        Assert.False(call.IsCompleted); // not acknowledged: its event is not durable
        // The process dies here: nothing of the audit log reached disk.

        var audit = new InMemoryAppendLog();
        await using var restarted = new KmsService(Options, new TableAndLog(table, audit), _root, _time);
        Assert.NotNull(restarted.Store.FindKey(key.KeyId));
        var e = Assert.Single(restarted.Audit.Recent(), x => x.EventName == "CreateKey");
        Assert.Equal([key.Arn], e.ResourceArns);
        Assert.Null(e.ErrorCode);
        Assert.Single(audit.ReadAll());
        Assert.Empty(table.Scan("audit-outbox/"));
    }

    [Fact]
    public async Task An_acknowledged_change_is_not_logged_twice_after_restart()
    {
        var table = new InMemoryKeyValueStore();
        var audit = new InMemoryAppendLog();
        var first = new KmsService(Options, new TableAndLog(table, audit), _root, _time);
        var created = await first.InvokeAsync(As(Alice), "CreateKey", new CreateKeyRequest(), CreateKey.ExecuteAsync);
        // Its outbox entry is deleted only by the next write, so a restart finds it and must recognise the logged event.
        Assert.NotEmpty(table.Scan("audit-outbox/"));
        await first.Audit.FlushAsync();

        await using var restarted = new KmsService(Options, new TableAndLog(table, audit), _root, _time);
        var e = Assert.Single(restarted.Audit.Recent(), x => x.EventName == "CreateKey");
        Assert.Equal([created.KeyMetadata.Arn!], e.ResourceArns);
        Assert.Empty(table.Scan("audit-outbox/"));
    }

    /// <summary>A log whose appends never become durable: the process is about to die.</summary>
    private sealed class NeverDurableLog : IAppendLog
    {
        public ValueTask AppendAsync(ReadOnlyMemory<byte> record, CancellationToken cancellationToken = default) =>
            new(new TaskCompletionSource().Task);

        public IEnumerable<byte[]> ReadAll() => [];

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
