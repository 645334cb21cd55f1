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
        await SendRequestAsync(type, offset, length, flags, payload, handle: 0xfeed);
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
        // EXTENDED_HEADERS (11) is not supported.
        await SendOptionAsync(11, []);
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

    private static byte[] MetaContextData(string name, params string[] queries)
    {
        var d = new List<byte>();
        void Add(string text)
        {
            var b = Encoding.UTF8.GetBytes(text);
            var length = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)b.Length);
            d.AddRange(length);
            d.AddRange(b);
        }
        Add(name);
        var count = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(count, (uint)queries.Length);
        d.AddRange(count);
        foreach (var q in queries)
        {
            Add(q);
        }
        return [.. d];
    }

    private async Task SendRequestAsync(ushort type, ulong offset, uint length, ushort flags = 0, byte[]? payload = null, ulong handle = 0xbeef)
    {
        var r = new byte[28];
        BinaryPrimitives.WriteUInt32BigEndian(r, 0x25609513);
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(4), flags);
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(6), type);
        BinaryPrimitives.WriteUInt64BigEndian(r.AsSpan(8), handle);
        BinaryPrimitives.WriteUInt64BigEndian(r.AsSpan(16), offset);
        BinaryPrimitives.WriteUInt32BigEndian(r.AsSpan(24), length);
        await _stream.WriteAsync(payload is null ? r : r.Concat(payload).ToArray());
    }

    /// <summary>One structured reply chunk: flags, type and payload, after checking its magic and handle.</summary>
    private async Task<(ushort Flags, ushort Type, byte[] Payload)> ReadChunkAsync()
    {
        var header = new byte[20];
        await _stream.ReadExactlyAsync(header);
        Assert.Equal(0x668e33efu, BinaryPrimitives.ReadUInt32BigEndian(header));
        Assert.Equal(0xbeefUL, BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8)));
        var payload = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(16))];
        await _stream.ReadExactlyAsync(payload);
        return (BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(4)), BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(6)), payload);
    }

    private static List<(uint Length, uint Flags)> Descriptors(byte[] payload)
    {
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(payload));
        return [.. Enumerable.Range(0, (payload.Length - 4) / 8).Select(i =>
            (BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4 + (8 * i))), BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(8 + (8 * i)))))];
    }

    [Fact]
    public async Task Structured_replies_and_base_allocation_are_negotiated_as_proto_md_orders()
    {
        // Meta contexts need structured replies first; STRUCTURED_REPLY takes no data.
        await SendOptionAsync(10, MetaContextData(Name, "base:allocation"));
        Assert.Equal(0x80000003u, (await ReadOptionReplyAsync()).Type);
        await SendOptionAsync(8, [1]);
        Assert.Equal(0x80000003u, (await ReadOptionReplyAsync()).Type);
        await SendOptionAsync(8, []);
        Assert.Equal(1u, (await ReadOptionReplyAsync()).Type);

        // LIST offers base:allocation (reserved id 0) for no query or "base:"; other namespaces are ignored.
        foreach (var queries in new[] { Array.Empty<string>(), ["base:"], ["x-other:thing", "base:allocation"] })
        {
            await SendOptionAsync(9, MetaContextData(Name, queries));
            var context = await ReadOptionReplyAsync();
            Assert.Equal(4u, context.Type);
            Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(context.Data));
            Assert.Equal("base:allocation", Encoding.UTF8.GetString(context.Data, 4, context.Data.Length - 4));
            Assert.Equal(1u, (await ReadOptionReplyAsync()).Type);
        }
        await SendOptionAsync(9, MetaContextData(Name, "x-other:thing"));
        Assert.Equal(1u, (await ReadOptionReplyAsync()).Type);
        await SendOptionAsync(10, MetaContextData(Name, "no-colon"));
        Assert.Equal(0x80000003u, (await ReadOptionReplyAsync()).Type);
        await SendOptionAsync(10, MetaContextData("vol-nope", "base:allocation"));
        Assert.Equal(0x80000006u, (await ReadOptionReplyAsync()).Type);
        await SendOptionAsync(10, MetaContextData(Name, "base:allocation")[..^3]);
        Assert.Equal(0x80000003u, (await ReadOptionReplyAsync()).Type);

        await SendOptionAsync(10, MetaContextData(Name, "base:allocation"));
        var selected = await ReadOptionReplyAsync();
        Assert.Equal(4u, selected.Type);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(selected.Data));
        Assert.Equal(1u, (await ReadOptionReplyAsync()).Type);
        await GoAsync();

        Assert.Equal(0u, (await RequestAsync(1, 8192, 4, [1, 2, 3, 4])).Error);

        // READ: one data chunk that ends the reply, carrying its offset.
        await SendRequestAsync(0, 8192, 4);
        var data = await ReadChunkAsync();
        Assert.Equal((1, 1), (data.Flags, data.Type));
        Assert.Equal(8192UL, BinaryPrimitives.ReadUInt64BigEndian(data.Payload));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, data.Payload[8..]);
        await SendRequestAsync(0, 0, 0);
        var none = await ReadChunkAsync();
        Assert.Equal((1, 0, 0), ((int)none.Flags, (int)none.Type, none.Payload.Length));
        _export.BadOffset = 0;
        await SendRequestAsync(0, 0, 4096);
        var failed = await ReadChunkAsync();
        Assert.Equal((1, 0x8001), (failed.Flags, failed.Type));
        Assert.Equal(5u, BinaryPrimitives.ReadUInt32BigEndian(failed.Payload));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(failed.Payload.AsSpan(4)));

        // BLOCK_STATUS: the export's extents, capped at the request; REQ_ONE gives only the first.
        await SendRequestAsync(7, 0, 65536);
        var status = await ReadChunkAsync();
        Assert.Equal((1, 5), (status.Flags, status.Type));
        Assert.Equal([(4096u, 3u), (4096u, 3u), (4096u, 0u)], Descriptors(status.Payload).Take(3));
        Assert.Equal(65536u, (uint)Descriptors(status.Payload).Sum(d => d.Length));
        await SendRequestAsync(7, 8192, 100, flags: 1 << 3);
        Assert.Equal([(100u, 0u)], Descriptors((await ReadChunkAsync()).Payload));
        await SendRequestAsync(7, 1024 * 1024 - 4096, 8192);
        var beyond = await ReadChunkAsync();
        Assert.Equal(0x8001, beyond.Type);
        Assert.Equal(22u, BinaryPrimitives.ReadUInt32BigEndian(beyond.Payload));
    }

    [Fact]
    public async Task Block_status_without_a_context_for_the_served_export_is_EINVAL()
    {
        _provider.Exports["vol-other"] = new MemoryExport("vol-other", 4096);
        await SendOptionAsync(8, []);
        Assert.Equal(1u, (await ReadOptionReplyAsync()).Type);
        await SendOptionAsync(10, MetaContextData("vol-other", "base:allocation"));
        Assert.Equal(4u, (await ReadOptionReplyAsync()).Type);
        Assert.Equal(1u, (await ReadOptionReplyAsync()).Type);
        await GoAsync();
        await SendRequestAsync(7, 0, 4096);
        var reply = await ReadChunkAsync();
        Assert.Equal((1, 0x8001), (reply.Flags, reply.Type));
        Assert.Equal(22u, BinaryPrimitives.ReadUInt32BigEndian(reply.Payload));
    }

    [Fact]
    public async Task Cache_fast_zero_and_flags_outside_their_commands()
    {
        await GoAsync();
        Assert.Equal(0u, (await RequestAsync(5, 0, 65536)).Error);
        Assert.Equal(22u, (await RequestAsync(5, 1024 * 1024 - 4096, 8192)).Error);
        // This export cannot zero faster than it writes, so FAST_ZERO fails at once and changes nothing.
        Assert.Equal(0u, (await RequestAsync(1, 0, 4, [7, 7, 7, 7])).Error);
        Assert.Equal(95u, (await RequestAsync(6, 0, 4096, flags: 1 << 4)).Error);
        Assert.Equal(7, _export.Data[0]);
        Assert.Equal(0u, (await RequestAsync(6, 0, 4096, flags: 1 << 1)).Error);
        Assert.Equal(0, _export.Data[0]);
        // DF needs structured replies; NO_HOLE and REQ_ONE belong to other commands.
        Assert.Equal(22u, (await RequestAsync(0, 0, 4, flags: 1 << 2)).Error);
        Assert.Equal(22u, (await RequestAsync(1, 0, 4, [1, 1, 1, 1], flags: 1 << 1)).Error);
        Assert.Equal(22u, (await RequestAsync(3, 0, 0, flags: 1 << 3)).Error);
        Assert.Equal(0u, (await RequestAsync(3, 0, 0, flags: 1)).Error);
    }
}
