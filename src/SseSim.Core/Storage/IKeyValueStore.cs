namespace SseSim.Core.Storage;

/// <summary>One change in an atomic batch. A null value deletes the key.</summary>
public readonly record struct KvMutation(string Key, byte[]? Value);

/// <summary>
/// A durable, ordered key-value table. Reads are served from memory; a write returns only once it is
/// durable on disk, so an acknowledged mutation survives kill -9.
/// </summary>
public interface IKeyValueStore : IAsyncDisposable
{
    bool TryGet(string key, out byte[] value);

    /// <summary>
    /// Applies the batch atomically (all or nothing after a crash) and returns once it is durable. Embedded stores
    /// apply the batch in memory before the first await, so callers may order writes under a lock and wait for
    /// durability outside it.
    /// </summary>
    ValueTask ApplyAsync(IReadOnlyList<KvMutation> batch, CancellationToken cancellationToken = default);

    /// <summary>Entries whose key starts with <paramref name="prefix"/>, in ordinal key order, starting after <paramref name="after"/> when given.</summary>
    IReadOnlyList<KeyValuePair<string, byte[]>> Scan(string prefix, string? after = null, int limit = int.MaxValue);
}

public static class KeyValueStoreExtensions
{
    public static ValueTask PutAsync(this IKeyValueStore store, string key, byte[] value, CancellationToken cancellationToken = default) =>
        store.ApplyAsync([new KvMutation(key, value)], cancellationToken);

    public static ValueTask DeleteAsync(this IKeyValueStore store, string key, CancellationToken cancellationToken = default) =>
        store.ApplyAsync([new KvMutation(key, null)], cancellationToken);
}

/// <summary>A durable append-only record stream (the audit trail).</summary>
public interface IAppendLog : IAsyncDisposable
{
    /// <summary>Appends one record and returns once it is durable.</summary>
    ValueTask AppendAsync(ReadOnlyMemory<byte> record, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends the records in order and returns once every one of them is durable. Logs with group commit override it
    /// to wait once for the batch instead of once per record; if it fails, any of the records may be lost.
    /// Implementations append before their first wait, so a caller may start the next batch while this one's commit
    /// is pending and the two stay in order (the audit trail relies on it).
    /// </summary>
    ValueTask AppendBatchAsync(IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken cancellationToken = default) =>
        AppendEachAsync(this, records, cancellationToken);

    /// <summary>Every durable record, oldest first.</summary>
    IEnumerable<byte[]> ReadAll();

    private static async ValueTask AppendEachAsync(IAppendLog log, IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken cancellationToken)
    {
        // Started together, the appends can share a group commit.
        var appends = new Task[records.Count];
        for (var i = 0; i < appends.Length; i++)
        {
            try
            {
                appends[i] = log.AppendAsync(records[i], cancellationToken).AsTask();
            }
            catch (Exception e)
            {
                appends[i] = Task.FromException(e);
            }
        }
        await Task.WhenAll(appends).ConfigureAwait(false);
    }
}

/// <summary>Opens the named stores under the data dir; the only seam through which domains reach disk.</summary>
public interface IStorageProvider : IAsyncDisposable
{
    IKeyValueStore OpenTable(string name);
    IAppendLog OpenLog(string name);
}
