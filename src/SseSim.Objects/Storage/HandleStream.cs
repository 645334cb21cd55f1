using Microsoft.Win32.SafeHandles;
using SseSim.Core.Storage;

namespace SseSim.Objects.Storage;

/// <summary>
/// A new body file written through <see cref="RandomAccess"/> on the calling thread. The envelope writer hands over
/// one segment (64 KiB) at a time, which lands in the page cache; FileStream's async path on Linux passes every such
/// write to another thread-pool thread, and on 64 MiB PUTs those hand-offs cost more than the copies themselves.
/// Durability comes from the fsync in <see cref="FileObjectBodyStore"/>'s commit, as before.
/// </summary>
internal sealed class HandleStream(SafeFileHandle handle) : WriteOnlyStream
{
    private long _length;

    public SafeFileHandle Handle => handle;

    public override long Length => _length;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        RandomAccess.Write(handle, buffer, _length);
        _length += buffer.Length;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            handle.Dispose();
        }
        base.Dispose(disposing);
    }
}
