using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using static SseSim.Nbd.NbdProtocol;

namespace SseSim.Nbd;

/// <summary>
/// An NBD client (fixed newstyle, NBD_OPT_GO, simple replies) for load generators and tests: many requests may be in
/// flight on one connection; replies are matched to requests by handle, in whatever order the server sends them.
/// </summary>
public sealed class NbdClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<ulong, Pending> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private Task _replyLoop = Task.CompletedTask;
    private long _nextHandle;
    private Exception? _failure;

    private NbdClient(Socket socket, long size, ushort flags)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Size = size;
        TransmissionFlags = flags;
    }

    /// <summary>The export's size in bytes, from the server's NBD_INFO_EXPORT.</summary>
    public long Size { get; }

    public ushort TransmissionFlags { get; }

    public bool IsReadOnly => (TransmissionFlags & TxReadOnly) != 0;

    /// <summary>Connects, negotiates fixed newstyle and selects <paramref name="exportName"/> with NBD_OPT_GO.</summary>
    public static async Task<NbdClient> ConnectAsync(string host, int port, string exportName, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken);
            using var handshake = new NetworkStream(socket, ownsSocket: false);
            var (size, flags) = await HandshakeAsync(handshake, exportName, cancellationToken);
            var client = new NbdClient(socket, size, flags);
            client._replyLoop = Task.Run(client.ReplyLoopAsync, CancellationToken.None);
            return client;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<(long Size, ushort Flags)> HandshakeAsync(NetworkStream stream, string exportName, CancellationToken ct)
    {
        var hello = new byte[18];
        await stream.ReadExactlyAsync(hello, ct);
        if (BinaryPrimitives.ReadUInt64BigEndian(hello) != NbdMagic || BinaryPrimitives.ReadUInt64BigEndian(hello.AsSpan(8)) != IHaveOpt)
        {
            throw new InvalidDataException("Not a fixed-newstyle NBD server.");
        }
        var serverFlags = BinaryPrimitives.ReadUInt16BigEndian(hello.AsSpan(16));
        if ((serverFlags & FlagFixedNewstyle) == 0 || (serverFlags & FlagNoZeroes) == 0)
        {
            throw new InvalidDataException("The NBD server does not offer fixed newstyle with NO_ZEROES.");
        }
        var name = Encoding.UTF8.GetBytes(exportName);
        // Client flags, then NBD_OPT_GO: name length, name, and no information requests (INFO_EXPORT always comes).
        var go = new byte[4 + 16 + 4 + name.Length + 2];
        BinaryPrimitives.WriteUInt32BigEndian(go, ClientFixedNewstyle | ClientNoZeroes);
        BinaryPrimitives.WriteUInt64BigEndian(go.AsSpan(4), IHaveOpt);
        BinaryPrimitives.WriteUInt32BigEndian(go.AsSpan(12), OptGo);
        BinaryPrimitives.WriteUInt32BigEndian(go.AsSpan(16), (uint)(4 + name.Length + 2));
        BinaryPrimitives.WriteUInt32BigEndian(go.AsSpan(20), (uint)name.Length);
        name.CopyTo(go, 24);
        await stream.WriteAsync(go, ct);

        long? size = null;
        ushort flags = 0;
        var header = new byte[20];
        while (true)
        {
            await stream.ReadExactlyAsync(header, ct);
            if (BinaryPrimitives.ReadUInt64BigEndian(header) != OptReplyMagic || BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(8)) != OptGo)
            {
                throw new InvalidDataException("Malformed NBD option reply.");
            }
            var type = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(12));
            var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(16));
            if (length > MaxOptionLength)
            {
                throw new InvalidDataException("Oversized NBD option reply.");
            }
            var data = new byte[length];
            await stream.ReadExactlyAsync(data, ct);
            if ((type & 0x80000000) != 0)
            {
                throw new NbdException(NbdError.Einval, $"NBD server refused export '{exportName}': {Encoding.UTF8.GetString(data)} (0x{type:x8})");
            }
            if (type == RepInfo && data.Length >= 12 && BinaryPrimitives.ReadUInt16BigEndian(data) == InfoExport)
            {
                size = BinaryPrimitives.ReadInt64BigEndian(data.AsSpan(2));
                flags = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(10));
            }
            else if (type == RepAck)
            {
                return (size ?? throw new InvalidDataException("NBD server acknowledged GO without NBD_INFO_EXPORT."), flags);
            }
        }
    }

    /// <summary>Reads <paramref name="destination"/>.Length bytes at <paramref name="offset"/>.</summary>
    public Task ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken = default) =>
        SendAsync(CmdRead, 0, offset, (uint)destination.Length, default, destination, cancellationToken);

    public Task WriteAsync(long offset, ReadOnlyMemory<byte> source, bool fua = false, CancellationToken cancellationToken = default) =>
        SendAsync(CmdWrite, fua ? CmdFlagFua : (ushort)0, offset, (uint)source.Length, source, default, cancellationToken);

    public Task FlushAsync(CancellationToken cancellationToken = default) =>
        SendAsync(CmdFlush, 0, 0, 0, default, default, cancellationToken);

    private async Task SendAsync(ushort type, ushort flags, long offset, uint length, ReadOnlyMemory<byte> payload, Memory<byte> destination, CancellationToken ct)
    {
        if (length > MaxPayload)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "NBD requests carry at most 32 MiB.");
        }
        var handle = (ulong)Interlocked.Increment(ref _nextHandle);
        var pending = new Pending(destination);
        _pending[handle] = pending;
        if (_failure is not null)
        {
            _pending.TryRemove(handle, out _);
            throw new IOException("The NBD connection has failed.", _failure);
        }
        var header = new byte[28];
        BinaryPrimitives.WriteUInt32BigEndian(header, RequestMagic);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), flags);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), type);
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(8), handle);
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(16), (ulong)offset);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(24), length);
        await _sendLock.WaitAsync(ct);
        try
        {
            // A request, once started, is sent whole: cancelling midway would desynchronise the stream.
            await _stream.WriteAsync(header, CancellationToken.None);
            if (!payload.IsEmpty)
            {
                await _stream.WriteAsync(payload, CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            _pending.TryRemove(handle, out _);
            Fail(e);
            throw;
        }
        finally
        {
            _sendLock.Release();
        }
        await pending.Completion.Task;
    }

    private async Task ReplyLoopAsync()
    {
        var header = new byte[16];
        try
        {
            while (true)
            {
                await _stream.ReadExactlyAsync(header, _closing.Token);
                if (BinaryPrimitives.ReadUInt32BigEndian(header) != SimpleReplyMagic)
                {
                    throw new InvalidDataException("Unexpected NBD reply magic (structured replies are not negotiated).");
                }
                var error = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
                var handle = BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8));
                if (!_pending.TryRemove(handle, out var pending))
                {
                    throw new InvalidDataException($"NBD reply for unknown handle {handle}.");
                }
                if (error != 0)
                {
                    pending.Completion.TrySetException(new NbdException(error, $"NBD request failed with error {ErrorName(error)}."));
                    continue;
                }
                if (!pending.Destination.IsEmpty)
                {
                    // A read's data follows its reply header directly (simple replies).
                    await _stream.ReadExactlyAsync(pending.Destination, _closing.Token);
                }
                pending.Completion.TrySetResult();
            }
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    private void Fail(Exception e)
    {
        _failure ??= e;
        foreach (var handle in _pending.Keys)
        {
            if (_pending.TryRemove(handle, out var pending))
            {
                pending.Completion.TrySetException(new IOException("The NBD connection has failed.", e));
            }
        }
    }

    /// <summary>The errno name of an NBD error value, for messages and error classification.</summary>
    public static string ErrorName(uint error) => error switch
    {
        NbdError.Eperm => "EPERM",
        NbdError.Eio => "EIO",
        NbdError.Enomem => "ENOMEM",
        NbdError.Einval => "EINVAL",
        NbdError.Enospc => "ENOSPC",
        NbdError.Eoverflow => "EOVERFLOW",
        NbdError.Enotsup => "ENOTSUP",
        NbdError.Eshutdown => "ESHUTDOWN",
        _ => $"E{error}",
    };

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_failure is null)
            {
                var disc = new byte[28];
                BinaryPrimitives.WriteUInt32BigEndian(disc, RequestMagic);
                BinaryPrimitives.WriteUInt16BigEndian(disc.AsSpan(6), CmdDisc);
                await _sendLock.WaitAsync();
                try
                {
                    await _stream.WriteAsync(disc);
                }
                finally
                {
                    _sendLock.Release();
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
        _closing.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        await _replyLoop;
        Fail(new ObjectDisposedException(nameof(NbdClient)));
        await _stream.DisposeAsync();
        _closing.Dispose();
        _sendLock.Dispose();
    }

    private sealed class Pending(Memory<byte> destination)
    {
        public Memory<byte> Destination { get; } = destination;
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
