using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SseSim.Server.Tests.Durability;

/// <summary>
/// A minimal fixed-newstyle NBD client (NBD_OPT_GO, then READ/WRITE/FLUSH one at a time), so the crash harness can
/// tell exactly which writes a FLUSH reply acknowledged.
/// </summary>
public sealed class RawNbdClient : IAsyncDisposable
{
    private const ulong OptMagic = 0x49484156454F5054;
    private const uint RequestMagic = 0x25609513;
    private const uint ReplyMagic = 0x67446698;
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private ulong _handle;

    private RawNbdClient(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public long Size { get; private set; }

    public static async Task<RawNbdClient> ConnectAsync(int port, string export, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
        var client = new RawNbdClient(tcp);
        try
        {
            var hello = new byte[18];
            await client._stream.ReadExactlyAsync(hello, cancellationToken);
            if (BinaryPrimitives.ReadUInt64BigEndian(hello.AsSpan(8)) != OptMagic)
            {
                throw new IOException("not a fixed-newstyle NBD server");
            }
            // Client flags: FIXED_NEWSTYLE | NO_ZEROES.
            await client._stream.WriteAsync(new byte[] { 0, 0, 0, 3 }, cancellationToken);
            var name = Encoding.UTF8.GetBytes(export);
            var go = new byte[16 + 4 + name.Length + 2];
            BinaryPrimitives.WriteUInt64BigEndian(go, OptMagic);
            BinaryPrimitives.WriteUInt32BigEndian(go.AsSpan(8), 7); // NBD_OPT_GO
            BinaryPrimitives.WriteUInt32BigEndian(go.AsSpan(12), (uint)(4 + name.Length + 2));
            BinaryPrimitives.WriteUInt32BigEndian(go.AsSpan(16), (uint)name.Length);
            name.CopyTo(go, 20);
            await client._stream.WriteAsync(go, cancellationToken);
            while (true)
            {
                var header = new byte[20];
                await client._stream.ReadExactlyAsync(header, cancellationToken);
                var type = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(12));
                var data = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(16))];
                await client._stream.ReadExactlyAsync(data, cancellationToken);
                if (type == 1)
                {
                    break; // NBD_REP_ACK
                }
                if (type == 3 && data.Length >= 10 && BinaryPrimitives.ReadUInt16BigEndian(data) == 0)
                {
                    client.Size = BinaryPrimitives.ReadInt64BigEndian(data.AsSpan(2));
                }
                else if ((type & 0x80000000) != 0)
                {
                    throw new IOException($"NBD_OPT_GO for {export} refused: reply type 0x{type:x}");
                }
            }
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public Task WriteAsync(long offset, byte[] data, CancellationToken cancellationToken) =>
        RequestAsync(1, offset, data.Length, data, null, cancellationToken);

    public Task FlushAsync(CancellationToken cancellationToken) => RequestAsync(3, 0, 0, null, null, cancellationToken);

    public async Task<byte[]> ReadAsync(long offset, int length, CancellationToken cancellationToken)
    {
        var buffer = new byte[length];
        await RequestAsync(0, offset, length, null, buffer, cancellationToken);
        return buffer;
    }

    private async Task RequestAsync(ushort command, long offset, int length, byte[]? payload, byte[]? readInto, CancellationToken cancellationToken)
    {
        var handle = ++_handle;
        var request = new byte[28 + (payload?.Length ?? 0)];
        BinaryPrimitives.WriteUInt32BigEndian(request, RequestMagic);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(6), command);
        BinaryPrimitives.WriteUInt64BigEndian(request.AsSpan(8), handle);
        BinaryPrimitives.WriteUInt64BigEndian(request.AsSpan(16), (ulong)offset);
        BinaryPrimitives.WriteUInt32BigEndian(request.AsSpan(24), (uint)length);
        payload?.CopyTo(request, 28);
        await _stream.WriteAsync(request, cancellationToken);
        var reply = new byte[16];
        await _stream.ReadExactlyAsync(reply, cancellationToken);
        if (BinaryPrimitives.ReadUInt32BigEndian(reply) != ReplyMagic || BinaryPrimitives.ReadUInt64BigEndian(reply.AsSpan(8)) != handle)
        {
            throw new IOException("bad NBD reply");
        }
        var error = BinaryPrimitives.ReadUInt32BigEndian(reply.AsSpan(4));
        if (error != 0)
        {
            throw new NbdErrorException(error);
        }
        if (readInto is not null)
        {
            await _stream.ReadExactlyAsync(readInto, cancellationToken);
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>An NBD reply with a non-zero error (5 = EIO, 28 = ENOSPC, ...).</summary>
public sealed class NbdErrorException(uint error) : IOException($"NBD error {error}")
{
    public uint Error { get; } = error;
}
