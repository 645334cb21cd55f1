using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SseSim.Nbd.Tests;

/// <summary>Byte-level protocol checks that need no external client.</summary>
public sealed class RawProtocolTests : IAsyncLifetime
{
    private const string Name = "vol-0123456789abcdef0";
    private readonly MemoryExportProvider _provider = new();
    private readonly MemoryExport _export = new(Name, 1024 * 1024);
    private NbdServer _server = null!;
    private TcpClient _client = null!;
    private NetworkStream _stream = null!;

    public async Task InitializeAsync()
    {
        _provider.Exports[Name] = _export;
        _server = new NbdServer(new IPEndPoint(IPAddress.Loopback, 0), _provider);
        await _server.StartAsync();
        _client = new TcpClient();
        await _client.ConnectAsync(IPAddress.Loopback, _server.LocalEndPoint.Port);
        _stream = _client.GetStream();
        var hello = new byte[18];
        await _stream.ReadExactlyAsync(hello);
        Assert.Equal(0x4e42444d41474943UL, BinaryPrimitives.ReadUInt64BigEndian(hello));
        Assert.Equal(0x49484156454F5054UL, BinaryPrimitives.ReadUInt64BigEndian(hello.AsSpan(8)));
        Assert.Equal(3, BinaryPrimitives.ReadUInt16BigEndian(hello.AsSpan(16)));
        await _stream.WriteAsync(new byte[] { 0, 0, 0, 3 });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        _export.Dispose();
    }

    private async Task SendOptionAsync(uint option, byte[] data)
    {
        var header = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(header, 0x49484156454F5054);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8), option);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(12), (uint)data.Length);
        await _stream.WriteAsync(header.Concat(data).ToArray());
    }

    private async Task<(uint Option, uint Type, byte[] Data)> ReadOptionReplyAsync()
    {
        var header = new byte[20];
        await _stream.ReadExactlyAsync(header);
        Assert.Equal(0x3e889045565a9UL, BinaryPrimitives.ReadUInt64BigEndian(header));
        var data = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(16))];
        await _stream.ReadExactlyAsync(data);
        return (BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(8)), BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(12)), data);
    }

    private static byte[] GoData(string name, params ushort[] infos)
    {
        var n = Encoding.UTF8.GetBytes(name);
        var d = new byte[4 + n.Length + 2 + (2 * infos.Length)];
        BinaryPrimitives.WriteUInt32BigEndian(d, (uint)n.Length);
        n.CopyTo(d, 4);
        BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(4 + n.Length), (ushort)infos.Length);
        for (var i = 0; i < infos.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(6 + n.Length + (2 * i)), infos[i]);
        }
        return d;
    }

    private async Task GoAsync()
    {
        await SendOptionAsync(7, GoData(Name, 3));
        var info = await ReadOptionReplyAsync();
        Assert.Equal(3u, info.Type);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(info.Data));
        Assert.Equal(1024 * 1024, BinaryPrimitives.ReadInt64BigEndian(info.Data.AsSpan(2)));
        var sizes = await ReadOptionReplyAsync();
        Assert.Equal(3, BinaryPrimitives.ReadUInt16BigEndian(sizes.Data));
        Assert.Equal(1u, (await ReadOptionReplyAsync()).Type);
    }

    private async Task<(uint Error, byte[] Data)> RequestAsync(ushort type, ulong offset, uint length, byte[]? payload = null, ushort flags = 0, bool expectData = false)
    {
        var r = new byte[28];
        BinaryPrimitives.WriteUInt32BigEndian(r, 0x25609513);
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(4), flags);
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(6), type);
        BinaryPrimitives.WriteUInt64BigEndian(r.AsSpan(8), 0xfeedUL);
        BinaryPrimitives.WriteUInt64BigEndian(r.AsSpan(16), offset);
        BinaryPrimitives.WriteUInt32BigEndian(r.AsSpan(24), length);
        await _stream.WriteAsync(payload is null ? r : r.Concat(payload).ToArray());
        var reply = new byte[16];
        await _stream.ReadExactlyAsync(reply);
        Assert.Equal(0x67446698u, BinaryPrimitives.ReadUInt32BigEndian(reply));
        Assert.Equal(0xfeedUL, BinaryPrimitives.ReadUInt64BigEndian(reply.AsSpan(8)));
        var error = BinaryPrimitives.ReadUInt32BigEndian(reply.AsSpan(4));
        var data = new byte[expectData && error == 0 ? length : 0];
        await _stream.ReadExactlyAsync(data);
        return (error, data);
    }

    [Fact]
    public async Task Unknown_options_are_unsupported_and_negotiation_continues()
    {
        await SendOptionAsync(8, []);
        Assert.Equal(0x80000001u, (await ReadOptionReplyAsync()).Type);
        await SendOptionAsync(7, GoData("vol-nope"));
        Assert.Equal(0x80000006u, (await ReadOptionReplyAsync()).Type);
        await SendOptionAsync(6, GoData(Name));
        Assert.Equal(3u, (await ReadOptionReplyAsync()).Type);
        Assert.Equal(1u, (await ReadOptionReplyAsync()).Type);
        await GoAsync();
    }

    [Fact]
    public async Task Commands_and_bounds()
    {
        await GoAsync();
        Assert.Equal(0u, (await RequestAsync(1, 4096, 4, [1, 2, 3, 4], flags: 1)).Error);
        Assert.Equal(1, _export.FuaWrites);
        var read = await RequestAsync(0, 4096, 4, expectData: true);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, read.Data);
        Assert.Equal(22u, (await RequestAsync(0, 1024 * 1024 - 2, 4)).Error);
        Assert.Equal(28u, (await RequestAsync(1, 1024 * 1024 - 2, 4, [9, 9, 9, 9])).Error);
        Assert.Equal(22u, (await RequestAsync(4, 1024 * 1024, 1)).Error);
        Assert.Equal(0u, (await RequestAsync(6, 4096, 4)).Error);
        Assert.Equal(0u, (await RequestAsync(3, 0, 0)).Error);
        Assert.Equal(1, _export.Flushes);
        Assert.Equal(22u, (await RequestAsync(42, 0, 0)).Error);
        Assert.Equal(22u, (await RequestAsync(0, 0, 4, flags: 0x40)).Error);
        _export.BadOffset = 0;
        Assert.Equal(5u, (await RequestAsync(0, 0, 4096, expectData: true)).Error);
        // DISC: the server closes after it.
        await _stream.WriteAsync(new byte[] { 0x25, 0x60, 0x95, 0x13, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 });
        Assert.Equal(0, await _stream.ReadAsync(new byte[1]));
    }

    [Fact]
    public async Task List_and_abort()
    {
        await SendOptionAsync(3, []);
        var server = await ReadOptionReplyAsync();
        Assert.Equal(2u, server.Type);
        Assert.Equal(Name, Encoding.UTF8.GetString(server.Data, 4, server.Data.Length - 4));
        Assert.Equal(1u, (await ReadOptionReplyAsync()).Type);
        await SendOptionAsync(2, []);
        Assert.Equal(1u, (await ReadOptionReplyAsync()).Type);
        Assert.Equal(0, await _stream.ReadAsync(new byte[1]));
    }

    /// <summary>
    /// Requests over the 32 MiB maximum payload fail with EINVAL and the connection keeps working: a write's payload is
    /// read through a bounded buffer and dropped (proto.md: EOVERFLOW only for reads with NBD_CMD_FLAG_DF).
    /// </summary>
    [Fact]
    public async Task Requests_over_32_MiB_get_EINVAL_and_the_connection_survives()
    {
        await GoAsync();
        const uint Over = (32 * 1024 * 1024) + 4096;
        Assert.Equal(22u, (await RequestAsync(0, 0, Over)).Error);
        Assert.Equal(22u, (await RequestAsync(1, 0, Over, new byte[Over])).Error);
        Assert.Equal(0u, (await RequestAsync(1, 0, 4, [5, 6, 7, 8])).Error);
        Assert.Equal(new byte[] { 5, 6, 7, 8 }, (await RequestAsync(0, 0, 4, expectData: true)).Data);
    }

    [Fact]
    public async Task Oversized_option_drops_the_client()
    {
        var header = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(header, 0x49484156454F5054);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8), 7);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(12), 100_000_000);
        await _stream.WriteAsync(header);
        Assert.Equal(0, await _stream.ReadAsync(new byte[1]));
    }
}
