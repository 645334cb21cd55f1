using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using FASTER.core;
using Microsoft.Win32.SafeHandles;
using SseSim.Core.Storage;

namespace SseSim.Storage.Faster;

/// <summary>
/// A FasterLog device for Linux that writes log pages with O_DSYNC into segment space zero-filled and flushed ahead of
/// the tail (docs/formats/faster-log-commits.md#log-segments). FASTER's managed device extends each segment with
/// every commit through an O_SYNC handle, so every commit also waited for a journal commit of the file's new size.
/// </summary>
internal sealed partial class PrefilledLogDevice : StorageDeviceBase
{
    private const long FirstChunk = 256 << 10;
    private const long MaxChunk = 8 << 20;
    private const int FillPiece = 1 << 20;
    private const int ODsync = 0x1000; // Linux (x64 and arm64)
    private const int ORdwr = 2;
    private const int OCreat = 0x40;
    private const int OCloexec = 0x80000;

    private static readonly byte[] Zeros = new byte[FillPiece];

    private readonly ConcurrentDictionary<int, Segment> _segments = new();
    private readonly Lock _openLock = new();
    private readonly CancellationTokenSource _closing = new();
    private bool _disposed;

    public PrefilledLogDevice(string filename)
        : base(filename, 512, Devices.CAPACITY_UNSPECIFIED)
    {
        RecoverSegmentRange();
    }

    /// <summary>The platforms where this device replaces FASTER's own.</summary>
    public static bool Supported => OperatingSystem.IsLinux();

    public override unsafe void WriteAsync(IntPtr sourceAddress, int segmentId, ulong destinationAddress, uint numBytesToWrite,
        DeviceIOCompletionCallback callback, object context)
    {
        HandleCapacity(segmentId);
        // FASTER calls this from its flush path, at times while an appender waits on the page; the write and any fill
        // it has to wait for run on the pool. FASTER keeps the page memory pinned until the callback.
        ThreadPool.UnsafeQueueUserWorkItem(static op => op.Device.Write(op), new IoOp(this, sourceAddress, segmentId, destinationAddress, numBytesToWrite, callback, context), preferLocal: false);
    }

    public override void ReadAsync(int segmentId, ulong sourceAddress, IntPtr destinationAddress, uint readLength,
        DeviceIOCompletionCallback callback, object context)
    {
        ThreadPool.UnsafeQueueUserWorkItem(static op => op.Device.Read(op), new IoOp(this, destinationAddress, segmentId, sourceAddress, readLength, callback, context), preferLocal: false);
    }

    public override void RemoveSegment(int segment)
    {
        if (_segments.TryRemove(segment, out var removed))
        {
            removed.Close();
        }
        File.Delete(SegmentPath(segment));
    }

    public override void RemoveSegmentAsync(int segment, AsyncCallback callback, IAsyncResult result)
    {
        RemoveSegment(segment);
        callback(result);
    }

    public override long GetFileSize(int segment) =>
        _segments.TryGetValue(segment, out var open) ? RandomAccess.GetLength(open.Handle) : new FileInfo(SegmentPath(segment)) is { Exists: true } f ? f.Length : 0;

    public override void Dispose()
    {
        lock (_openLock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        _closing.Cancel();
        foreach (var segment in _segments.Values)
        {
            segment.Close();
        }
        _segments.Clear();
        _closing.Dispose();
    }

    private unsafe void Write(IoOp op)
    {
        uint error = 0;
        try
        {
            var segment = Open(op.Segment);
            var end = (long)op.Offset + op.Length;
            segment.WaitFilled(end);
            RandomAccess.Write(segment.Handle, new ReadOnlySpan<byte>((void*)op.Memory, (int)op.Length), (long)op.Offset);
        }
        catch (Exception e)
        {
            error = ErrorCode(e);
        }
        op.Callback(error, error == 0 ? op.Length : 0, op.Context);
    }

    private unsafe void Read(IoOp op)
    {
        uint error = 0;
        var read = 0;
        try
        {
            var destination = new Span<byte>((void*)op.Memory, (int)op.Length);
            var handle = Open(op.Segment).Handle;
            while (read < destination.Length)
            {
                var n = RandomAccess.Read(handle, destination[read..], (long)op.Offset + read);
                if (n == 0)
                {
                    break;
                }
                read += n;
            }
            // Past the end of a short (pre-device) segment reads as zeros, as it would from a filled one.
            destination[read..].Clear();
        }
        catch (Exception e)
        {
            error = ErrorCode(e);
        }
        op.Callback(error, error == 0 ? op.Length : 0, op.Context);
    }

    private Segment Open(int id)
    {
        if (_segments.TryGetValue(id, out var open))
        {
            return open;
        }
        lock (_openLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_segments.TryGetValue(id, out open))
            {
                return open;
            }
            var path = SegmentPath(id);
            var created = !File.Exists(path);
            var fd = OpenFile(path, ORdwr | OCreat | OCloexec | ODsync, Convert.ToInt32("644", 8));
            if (fd < 0)
            {
                throw new IOException($"open({path}) failed: errno {Marshal.GetLastPInvokeError()}");
            }
            var handle = new SafeFileHandle(fd, ownsHandle: true);
            if (created)
            {
                // The fill makes the contents durable; the name needs its directory.
                DirectorySync.Sync(Path.GetDirectoryName(path)!);
            }
            open = new Segment(path, handle, RandomAccess.GetLength(handle), segmentSize, _closing.Token);
            _segments[id] = open;
            return open;
        }
    }

    private void RecoverSegmentRange()
    {
        // As FASTER's devices do: the segments present, the last contiguous run of ids.
        var directory = Path.GetDirectoryName(Path.GetFullPath(FileName))!;
        if (!Directory.Exists(directory))
        {
            return;
        }
        var prefix = Path.GetFileName(FileName) + ".";
        var ids = new List<int>();
        foreach (var file in Directory.EnumerateFiles(directory, prefix + "*"))
        {
            if (int.TryParse(Path.GetFileName(file).AsSpan(prefix.Length), System.Globalization.NumberStyles.None, null, out var id))
            {
                ids.Add(id);
            }
        }
        if (ids.Count == 0)
        {
            return;
        }
        ids.Sort();
        var first = ids[0];
        for (var i = 1; i < ids.Count; i++)
        {
            if (ids[i] != ids[i - 1] + 1)
            {
                first = ids[i];
            }
        }
        startSegment = first;
        endSegment = ids[^1];
    }

    private string SegmentPath(int id) => $"{FileName}.{id}";

    private static uint ErrorCode(Exception e) => e is IOException io && (io.HResult & 0xFFFF) != 0 ? (uint)(io.HResult & 0xFFFF) : uint.MaxValue;

    /// <summary>One segment file: its O_DSYNC handle and how far it is filled (allocated, written and flushed).</summary>
    private sealed class Segment(string path, SafeFileHandle handle, long length, long capacity, CancellationToken closing)
    {
        private readonly Lock _lock = new();
        private long _filled = length;
        private long _chunk = FirstChunk;
        private Task? _filling;

        public SafeFileHandle Handle { get; } = handle;

        /// <summary>Returns once [0, end) is filled; starts the next fill once a write reaches the last chunk's second half.</summary>
        public void WaitFilled(long end)
        {
            while (true)
            {
                Task? wait;
                lock (_lock)
                {
                    if (_filling is null && _filled < capacity && _filled - end < _chunk / 2)
                    {
                        _filling = FillAsync(_filled, end);
                    }
                    if (end <= _filled)
                    {
                        return;
                    }
                    wait = _filling;
                }
                wait!.GetAwaiter().GetResult();
            }
        }

        public void Close()
        {
            Task? filling;
            lock (_lock)
            {
                filling = _filling;
            }
            try
            {
                filling?.Wait();
            }
            catch (AggregateException)
            {
                // A fill that failed already failed the write that waited on it.
            }
            Handle.Dispose();
        }

        private Task FillAsync(long from, long end)
        {
            // Chunks grow as the log does, so a small table costs a few hundred KiB of zeros and a busy one few fills.
            if (from > 0)
            {
                _chunk = Math.Min(_chunk * 2, MaxChunk);
            }
            var to = Math.Min(capacity, Math.Max(end, from + _chunk));
            return Task.Run(() =>
            {
                try
                {
                    // Zeros through a plain handle, then one flush: written blocks, so later O_DSYNC writes there touch
                    // no metadata. Only ever past the current length, so no log page is overwritten.
                    using (var fill = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
                    {
                        for (var offset = from; offset < to && !closing.IsCancellationRequested; offset += FillPiece)
                        {
                            RandomAccess.Write(fill, Zeros.AsSpan(0, (int)Math.Min(FillPiece, to - offset)), offset);
                        }
                        SlotCommitManager.DataSync(fill);
                    }
                    closing.ThrowIfCancellationRequested();
                    lock (_lock)
                    {
                        _filled = to;
                    }
                }
                finally
                {
                    lock (_lock)
                    {
                        _filling = null;
                    }
                }
            }, CancellationToken.None);
        }
    }

    private sealed record IoOp(PrefilledLogDevice Device, IntPtr Memory, int Segment, ulong Offset, uint Length, DeviceIOCompletionCallback Callback, object Context);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenFile(string path, int flags, int mode);
}
