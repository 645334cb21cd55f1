namespace SseSim.Nbd.Tests;

internal sealed class MemoryExport(string name, long size) : INbdExport, IDisposable
{
    private readonly byte[] _data = new byte[size];
    private readonly CancellationTokenSource _closed = new();

    public string Name => name;
    public long Size => size;
    public bool IsReadOnly => false;
    public CancellationToken Closed => _closed.Token;
    public int Flushes { get; private set; }
    public int FuaWrites { get; private set; }

    /// <summary>Reads touching [BadOffset, BadOffset+4096) fail like a failed GCM tag (or with <see cref="BadReadError"/>).</summary>
    public long BadOffset { get; set; } = -1;

    /// <summary>What a read of the bad block throws, when not the IOException of a failed tag.</summary>
    public Func<Exception>? BadReadError { get; set; }

    public byte[] Data => _data;

    /// <summary>When set, reads at offset 0 wait for it (a slow request the server must not queue others behind).</summary>
    public Task? HoldReadsAtZero { get; set; }

    public async ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (offset == 0 && HoldReadsAtZero is not null)
        {
            await HoldReadsAtZero.WaitAsync(cancellationToken);
        }
        if (BadOffset >= 0 && offset < BadOffset + 4096 && offset + destination.Length > BadOffset)
        {
            throw BadReadError?.Invoke() ?? new IOException("tag mismatch");
        }
        _data.AsSpan((int)offset, destination.Length).CopyTo(destination.Span);
    }

    public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> source, bool fua, CancellationToken cancellationToken)
    {
        source.Span.CopyTo(_data.AsSpan((int)offset));
        FuaWrites += fua ? 1 : 0;
        return ValueTask.CompletedTask;
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        Flushes++;
        return ValueTask.CompletedTask;
    }

    public ValueTask TrimAsync(long offset, long length, bool fua, CancellationToken cancellationToken) => WriteZeroesAsync(offset, length, fua, cancellationToken);

    public ValueTask WriteZeroesAsync(long offset, long length, bool fua, CancellationToken cancellationToken)
    {
        _data.AsSpan((int)offset, (int)length).Clear();
        return ValueTask.CompletedTask;
    }

    /// <summary>base:allocation by content: a 4 KiB block of zeros is a hole, any other is data (one extent per block).</summary>
    public ValueTask<IReadOnlyList<NbdExtent>> GetAllocationAsync(long offset, long length, CancellationToken cancellationToken)
    {
        var extents = new List<NbdExtent>();
        for (var at = offset; at < offset + length; at = ((at / 4096) + 1) * 4096)
        {
            var block = _data.AsSpan((int)(at / 4096 * 4096), 4096);
            var take = Math.Min(((at / 4096) + 1) * 4096, offset + length) - at;
            extents.Add(new NbdExtent(take, block.IndexOfAnyExcept((byte)0) < 0 ? NbdState.Hole | NbdState.Zero : 0));
        }
        return ValueTask.FromResult<IReadOnlyList<NbdExtent>>(extents);
    }

    public void Close() => _closed.Cancel();

    public void Dispose() => _closed.Dispose();
}

internal sealed class MemoryExportProvider : INbdExportProvider
{
    public Dictionary<string, INbdExport> Exports { get; } = [];

    public INbdExport? Find(string name) => Exports.GetValueOrDefault(name);

    public IReadOnlyList<string> List() => [.. Exports.Keys];
}
