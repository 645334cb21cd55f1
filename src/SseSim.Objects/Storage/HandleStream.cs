using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using SseSim.Core.Storage;

namespace SseSim.Objects.Storage;

/// <summary>
/// A new body file written through <see cref="RandomAccess"/> on the calling thread. The envelope writer hands over
/// one segment (64 KiB) at a time, which lands in the page cache; FileStream's async path on Linux passes every such
/// write to another thread-pool thread, and on 64 MiB PUTs those hand-offs cost more than the copies themselves.
/// Durability comes from the fsync in <see cref="FileObjectBodyStore"/>'s commit, as before; on Linux every
/// <see cref="WriteBackBytes"/> written are handed to the disk early (sync_file_range, SYNC_FILE_RANGE_WRITE, which does
/// not wait), so that fsync finds little left to write instead of the whole body.
/// </summary>
internal sealed partial class HandleStream(SafeFileHandle handle) : WriteOnlyStream
{
    private const int WriteBackBytes = 4 * 1024 * 1024;
    private const uint SyncFileRangeWrite = 2;
    private long _length;
    private long _writeBackStart;
    private bool _writeBack = OperatingSystem.IsLinux();

    public SafeFileHandle Handle => handle;

    public override long Length => _length;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        RandomAccess.Write(handle, buffer, _length);
        _length += buffer.Length;
        if (_writeBack && _length - _writeBackStart >= WriteBackBytes)
        {
            // Only a head start for the disk: on any error fsync at commit still does all the work.
            _writeBack = SyncFileRange(handle, _writeBackStart, _length - _writeBackStart, SyncFileRangeWrite) == 0;
            _writeBackStart = _length;
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(SafeFileHandle fd, long offset, long count, uint flags);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            handle.Dispose();
        }
        base.Dispose(disposing);
    }
}
