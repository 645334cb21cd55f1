namespace SseSim.Core.Storage.Faults;

/// <summary>What a faulty store does to writes while the fault is on.</summary>
public enum StorageFault
{
    None,

    /// <summary>Every write fails with an I/O error (EIO).</summary>
    IOError,

    /// <summary>Every write fails with ENOSPC, as on a full disk.</summary>
    DiskFull,
}

/// <summary>The switch shared by the fault-injecting decorators; flip it at any time, from any thread.</summary>
public sealed class StorageFaults
{
    private const int Eio = 5;
    private const int Enospc = 28;
    private int _mode;

    public StorageFault Mode
    {
        get => (StorageFault)Volatile.Read(ref _mode);
        set => Volatile.Write(ref _mode, (int)value);
    }

    /// <summary>Writes refused so far (a test can tell the fault was actually hit).</summary>
    public int Injected => Volatile.Read(ref _injected);

    private int _injected;

    /// <summary>Throws the configured fault before a write reaches the real store, so nothing is half-applied.</summary>
    public void BeforeWrite(string store)
    {
        var mode = Mode;
        if (mode == StorageFault.None)
        {
            return;
        }
        Interlocked.Increment(ref _injected);
        // HResult carries the errno, as .NET's own IOExceptions do on Unix.
        throw mode == StorageFault.DiskFull
            ? new IOException($"No space left on device ({store})", Enospc)
            : new IOException($"Input/output error ({store})", Eio);
    }
}

/// <summary>Wraps every table and log of a provider in a fault-injecting decorator.</summary>
public sealed class FaultyStorageProvider(IStorageProvider inner, StorageFaults faults) : IStorageProvider
{
    public IKeyValueStore OpenTable(string name) => new FaultyKeyValueStore(inner.OpenTable(name), faults, name);

    public IAppendLog OpenLog(string name) => new FaultyAppendLog(inner.OpenLog(name), faults, name);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

/// <summary>Reads pass through; writes fail while the fault is on.</summary>
public sealed class FaultyKeyValueStore(IKeyValueStore inner, StorageFaults faults, string name) : IKeyValueStore
{
    public bool TryGet(string key, out byte[] value) => inner.TryGet(key, out value);

    public ValueTask ApplyAsync(IReadOnlyList<KvMutation> batch, CancellationToken cancellationToken = default)
    {
        faults.BeforeWrite(name);
        return inner.ApplyAsync(batch, cancellationToken);
    }

    public IReadOnlyList<KeyValuePair<string, byte[]>> Scan(string prefix, string? after = null, int limit = int.MaxValue) =>
        inner.Scan(prefix, after, limit);

    // The provider owns and disposes the inner store.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Reads pass through; appends fail while the fault is on.</summary>
public sealed class FaultyAppendLog(IAppendLog inner, StorageFaults faults, string name) : IAppendLog
{
    public ValueTask AppendAsync(ReadOnlyMemory<byte> record, CancellationToken cancellationToken = default)
    {
        faults.BeforeWrite(name);
        return inner.AppendAsync(record, cancellationToken);
    }

    public IEnumerable<byte[]> ReadAll() => inner.ReadAll();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
