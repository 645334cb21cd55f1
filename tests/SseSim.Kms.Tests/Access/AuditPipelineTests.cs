using Microsoft.Extensions.Time.Testing;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Kms.Crypto;
using SseSim.Kms.Operations;
using static SseSim.Kms.Tests.Access.AccessKit;

namespace SseSim.Kms.Tests.Access;

/// <summary>
/// The audit writer appends the next batch while an earlier batch's commit is still pending (a commit on a busy core
/// takes tens of ms), yet a flush or a mutation still completes only once everything before it is durable.
/// </summary>
public sealed class AuditPipelineTests
{
    private static readonly KmsOptions Options = new() { QuotasEnabled = false };
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly RootKey _root = new(SecretBytes.Random(32));

    [Fact]
    public async Task A_later_batch_is_appended_while_an_earlier_commit_waits_and_a_flush_waits_for_both()
    {
        var log = new GatedLog();
        var kms = new KmsService(Options, new TableAndLog(new InMemoryKeyValueStore(), log), _root, _time);
        try
        {
            await kms.InvokeAsync(As(Alice), "GenerateRandom", new GenerateRandomRequest { NumberOfBytes = 8 }, GenerateRandom.ExecuteAsync);
            await log.WaitForBatchesAsync(1);

            // The first batch's commit is still pending: the writer must not wait for it before appending the next.
            await kms.InvokeAsync(As(Alice), "GenerateRandom", new GenerateRandomRequest { NumberOfBytes = 8 }, GenerateRandom.ExecuteAsync);
            await log.WaitForBatchesAsync(2);

            var flush = kms.Audit.FlushAsync();
            log.Commit(1);
            await Task.Delay(100);
            Assert.False(flush.IsCompleted, "a flush waits for the earlier batch too");

            log.Commit(0);
            await flush.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(2, log.Records.Count);
        }
        finally
        {
            log.CommitAll();
            await kms.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_mutation_is_acknowledged_only_after_the_batches_before_it_commit()
    {
        var log = new GatedLog();
        var kms = new KmsService(Options, new TableAndLog(new InMemoryKeyValueStore(), log), _root, _time);
        try
        {
            await kms.InvokeAsync(As(Alice), "GenerateRandom", new GenerateRandomRequest { NumberOfBytes = 8 }, GenerateRandom.ExecuteAsync);
            await log.WaitForBatchesAsync(1);

            var create = kms.InvokeAsync(As(Alice), "CreateKey", new CreateKeyRequest(), CreateKey.ExecuteAsync);
            await log.WaitForBatchesAsync(2);
            log.Commit(1);
            await Task.Delay(100);
            Assert.False(create.IsCompleted, "its event's batch committed, the batch before it did not");

            log.Commit(0);
            var created = await create.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.NotNull(created.KeyMetadata.KeyId);
        }
        finally
        {
            log.CommitAll();
            await kms.DisposeAsync();
        }
    }

    /// <summary>Appends at once (as IAppendLog requires) and makes each non-empty batch durable when the test says so.</summary>
    private sealed class GatedLog : IAppendLog
    {
        private readonly Lock _lock = new();
        private readonly List<TaskCompletionSource> _commits = [];
        private bool _open;

        public List<byte[]> Records { get; } = [];

        public ValueTask AppendAsync(ReadOnlyMemory<byte> record, CancellationToken cancellationToken = default) =>
            AppendBatchAsync([record], cancellationToken);

        public ValueTask AppendBatchAsync(IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken cancellationToken = default)
        {
            if (records.Count == 0)
            {
                return ValueTask.CompletedTask;
            }
            var commit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                Records.AddRange(records.Select(r => r.ToArray()));
                _commits.Add(commit);
                if (_open)
                {
                    commit.TrySetResult();
                }
            }
            return new ValueTask(commit.Task);
        }

        public async Task WaitForBatchesAsync(int count)
        {
            for (var i = 0; i < 1000; i++)
            {
                lock (_lock)
                {
                    if (_commits.Count >= count)
                    {
                        return;
                    }
                }
                await Task.Delay(10);
            }
            throw new TimeoutException($"fewer than {count} batches were appended");
        }

        public void Commit(int batch)
        {
            lock (_lock)
            {
                _commits[batch].TrySetResult();
            }
        }

        /// <summary>Commits every batch, now and from now on.</summary>
        public void CommitAll()
        {
            lock (_lock)
            {
                _open = true;
                _commits.ForEach(c => c.TrySetResult());
            }
        }

        public IEnumerable<byte[]> ReadAll() => [];

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
