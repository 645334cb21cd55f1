using SseSim.Core.Storage;

namespace SseSim.Storage.Faster;

/// <summary>
/// A durable append-only record stream on a FasterLog. <see cref="AppendAsync"/> returns once the record is
/// committed (group commit shared with concurrent appenders); records of any size are accepted. The log is
/// never truncated.
/// </summary>
public sealed class FasterAppendLog : IAppendLog
{
    private readonly GroupCommitLog _log;

    public FasterAppendLog(string directory, FasterLogOptions? options = null)
    {
        _log = new GroupCommitLog(directory, options ?? new FasterLogOptions());
    }

    public async ValueTask AppendAsync(ReadOnlyMemory<byte> record, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var appended = _log.Append(record.Span);
        // Cancelling only stops the wait: the record is already in the log and may still become durable.
        await _log.WaitDurableAsync(appended.EndAddress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One durable wait for the whole batch: a wait per record costs more than appending it.</summary>
    public async ValueTask AppendBatchAsync(IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        long end = 0;
        foreach (var record in records)
        {
            end = _log.Append(record.Span).EndAddress;
        }
        if (records.Count > 0)
        {
            await _log.WaitDurableAsync(end, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Committed records, oldest first, as of the first enumeration step; enumerated lazily from the log.</summary>
    public IEnumerable<byte[]> ReadAll()
    {
        foreach (var record in _log.ReadCommitted())
        {
            yield return record.Payload;
        }
    }

    public ValueTask DisposeAsync() => _log.DisposeAsync();
}
