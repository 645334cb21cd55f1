namespace SseSim.Core.Storage;

/// <summary>
/// Base of the write-only sinks that bodies are written into: everything but writing is unsupported, and the array
/// overloads route to the span and memory ones, so a sink implements only those (and Length, if it knows it).
/// </summary>
public abstract class WriteOnlyStream : Stream
{
    public sealed override bool CanRead => false;

    public sealed override bool CanSeek => false;

    public sealed override bool CanWrite => true;

    /// <summary>Bytes written so far, where the sink knows it.</summary>
    public override long Length => throw new NotSupportedException();

    public sealed override long Position
    {
        get => Length;
        set => throw new NotSupportedException();
    }

    // Stream's own Write(span) copies into a rented array and calls Write(byte[]...), which routes back here.
    public abstract override void Write(ReadOnlySpan<byte> buffer);

    public abstract override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default);

    public sealed override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public sealed override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public sealed override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public sealed override void SetLength(long value) => throw new NotSupportedException();
}
