namespace SseSim.Core.Storage.Faults;

/// <summary>What a faulty store does while the fault is on.</summary>
public enum StorageFault
{
    None,

    /// <summary>Writes, flushes and reads of bodies and blocks fail with an I/O error (EIO).</summary>
    IOError,

    /// <summary>Writes and flushes fail with ENOSPC, as on a full disk; reads still work.</summary>
    DiskFull,

    /// <summary>
    /// A write persists only a prefix of its bytes, then fails with EIO (a sector-torn write). Object body streams and
    /// volume blocks keep the torn bytes; a table or log write fails whole, because a table or log write is one
    /// record of the group-commit log and a torn record is dropped whole on replay (GroupCommitLog).
    /// </summary>
    TornWrite,
}

/// <summary>The switch shared by the fault-injecting decorators; flip it at any time, from any thread.</summary>
public sealed class StorageFaults
{
    /// <summary>Store name of the object body store (tables and logs use their own names).</summary>
    public const string ObjectBodies = "objects";

    /// <summary>Store name of the volume block store.</summary>
    public const string Blocks = "blocks";

    private const int Eio = 5;
    private const int Enospc = 28;
    private int _mode;
    private string? _only;
    private int _injected;

    public StorageFault Mode
    {
        get => (StorageFault)Volatile.Read(ref _mode);
        set => Volatile.Write(ref _mode, (int)value);
    }

    /// <summary>When set, only the store of this name fails (for example <see cref="Blocks"/>); null fails every store.</summary>
    public string? Only
    {
        get => Volatile.Read(ref _only);
        set => Volatile.Write(ref _only, value);
    }

    /// <summary>Operations failed so far (a test can tell the fault was actually hit).</summary>
    public int Injected => Volatile.Read(ref _injected);

    /// <summary>Throws the configured fault before a write reaches the real store, so nothing is half-applied.</summary>
    public void BeforeWrite(string store)
    {
        var mode = ModeFor(store);
        if (mode != StorageFault.None)
        {
            throw Fail(store, mode);
        }
    }

    /// <summary>Reads fail only under <see cref="StorageFault.IOError"/>: a full disk or a torn write leaves reads working.</summary>
    public void BeforeRead(string store)
    {
        if (ModeFor(store) == StorageFault.IOError)
        {
            throw Fail(store, StorageFault.IOError);
        }
    }

    /// <summary>True when the next write to <paramref name="store"/> should persist a prefix and then throw <see cref="Torn"/>.</summary>
    public bool Tears(string store) => ModeFor(store) == StorageFault.TornWrite;

    /// <summary>The error a torn write ends with, counted as injected.</summary>
    public IOException Torn(string store) => Fail(store, StorageFault.TornWrite);

    private StorageFault ModeFor(string store)
    {
        var mode = Mode;
        return mode != StorageFault.None && (Only is not { } only || only == store) ? mode : StorageFault.None;
    }

    private IOException Fail(string store, StorageFault mode)
    {
        Interlocked.Increment(ref _injected);
        // HResult carries the errno, as .NET's own IOExceptions do on Unix.
        return mode == StorageFault.DiskFull
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

/// <summary>Reads pass through (tables are served from memory); writes fail while the fault is on.</summary>
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

    public ValueTask AppendBatchAsync(IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken cancellationToken = default)
    {
        faults.BeforeWrite(name);
        return inner.AppendBatchAsync(records, cancellationToken);
    }

    public IEnumerable<byte[]> ReadAll() => inner.ReadAll();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
