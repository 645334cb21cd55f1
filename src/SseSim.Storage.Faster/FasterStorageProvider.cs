using SseSim.Core.Storage;

namespace SseSim.Storage.Faster;

/// <summary>
/// Durable stores under one data directory: table <c>name</c> lives in <c>&lt;dataDir&gt;/&lt;name&gt;/</c>, and so does
/// log <c>name</c> (tables and logs share one namespace). Opening a name again returns the same instance.
/// </summary>
public sealed class FasterStorageProvider : IStorageProvider
{
    private readonly string _dataDirectory;
    private readonly FasterLogOptions _options;
    private readonly Dictionary<string, IAsyncDisposable> _stores = new(StringComparer.Ordinal);
    private bool _disposed;

    public FasterStorageProvider(string dataDirectory, FasterLogOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        _dataDirectory = Path.GetFullPath(dataDirectory);
        _options = options ?? new FasterLogOptions();
        _options.Validate();
        DirectorySync.CreateDurable(_dataDirectory);
    }

    public string DataDirectory => _dataDirectory;

    public IKeyValueStore OpenTable(string name) => Open(name, dir => new FasterKeyValueStore(dir, _options));

    public IAppendLog OpenLog(string name) => Open(name, dir => new FasterAppendLog(dir, _options with { MemorySizeBits = _options.AppendLogMemorySizeBits }));

    /// <summary>Disposes every opened store; each makes its pending writes durable first.</summary>
    public async ValueTask DisposeAsync()
    {
        IAsyncDisposable[] stores;
        lock (_stores)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            stores = [.. _stores.Values];
        }
        List<Exception>? errors = null;
        foreach (var store in stores)
        {
            try
            {
                await store.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                (errors ??= []).Add(ex);
            }
        }
        if (errors is not null)
        {
            throw new AggregateException("Some stores failed to close cleanly.", errors);
        }
    }

    private T Open<T>(string name, Func<string, T> create)
        where T : class, IAsyncDisposable
    {
        ValidateName(name);
        // Opening replays the log, which can take a while; holding the lock keeps one instance per name.
        lock (_stores)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_stores.TryGetValue(name, out var existing))
            {
                return existing as T
                    ?? throw new InvalidOperationException($"'{name}' is already open as a {existing.GetType().Name}.");
            }
            var store = create(Path.Combine(_dataDirectory, name));
            _stores.Add(name, store);
            return store;
        }
    }

    private static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name is "." or ".." || name.IndexOfAny(['/', '\\', '\0']) >= 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"'{name}' is not a valid store name (it must be a single directory name).", nameof(name));
        }
    }
}
