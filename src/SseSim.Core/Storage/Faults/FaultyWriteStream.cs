namespace SseSim.Core.Storage.Faults;

/// <summary>
/// A write-only stream on failing storage: writes and flushes fail while the fault is on, and a torn write passes the
/// first half of its buffer to the inner stream before it fails.
/// </summary>
public sealed class FaultyWriteStream(Stream inner, StorageFaults faults, string store) : WriteOnlyStream
{
    public override long Length => inner.Length;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (faults.Tears(store))
        {
            inner.Write(buffer[..(buffer.Length / 2)]);
            inner.Flush();
            throw faults.Torn(store);
        }
        faults.BeforeWrite(store);
        inner.Write(buffer);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (faults.Tears(store))
        {
            await inner.WriteAsync(buffer[..(buffer.Length / 2)], cancellationToken).ConfigureAwait(false);
            await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
            throw faults.Torn(store);
        }
        faults.BeforeWrite(store);
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override void Flush()
    {
        faults.BeforeWrite(store);
        inner.Flush();
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        faults.BeforeWrite(store);
        return inner.FlushAsync(cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
