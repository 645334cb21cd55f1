using Microsoft.Win32.SafeHandles;

namespace SseSim.Objects.Storage;

/// <summary>
/// A new body file written through <see cref="RandomAccess"/> on the calling thread. The envelope writer hands over
/// one segment (64 KiB) at a time, which lands in the page cache; FileStream's async path on Linux passes every such
/// write to another thread-pool thread, and on 64 MiB PUTs those hand-offs cost more than the copies themselves.
/// Durability comes from the fsync in <see cref="FileObjectBodyStore"/>'s commit, as before.
/// </summary>
internal sealed class HandleStream(SafeFileHandle handle) : Stream
{
    private long _length;

    public SafeFileHandle Handle => handle;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        RandomAccess.Write(handle, buffer, _length);
        _length += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            handle.Dispose();
        }
        base.Dispose(disposing);
    }
}
