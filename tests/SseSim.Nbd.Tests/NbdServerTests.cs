using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;
using static SseSim.Nbd.Tests.ExternalTool;

namespace SseSim.Nbd.Tests;

public sealed class NbdServerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Name = "vol-0123456789abcdef0";
    private readonly MemoryExportProvider _provider = new();
    private readonly MemoryExport _export = new(Name, 8 * 1024 * 1024);
    private NbdServer _server = null!;

    private string Uri => $"nbd://127.0.0.1:{_server.LocalEndPoint.Port}/{Name}";

    public async Task InitializeAsync()
    {
        _provider.Exports[Name] = _export;
        _server = new NbdServer(new IPEndPoint(IPAddress.Loopback, 0), _provider);
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _export.Dispose();
    }

    [Fact]
    public async Task QemuIo_writes_flushes_and_reads_back_a_pattern()
    {
        if (Missing(output, "qemu-io"))
        {
            return;
        }
        var (rc, text) = await RunAsync("qemu-io", ["-f", "raw", "-c", "write -P 0xab 0 1M", "-c", "flush", "-c", "read -P 0xab 0 1M", "-c", "read -P 0 1M 1M", Uri]);
        Assert.True(rc == 0, text);
        Assert.DoesNotContain("verification failed", text);
        Assert.All(_export.Data.AsSpan(0, 1024 * 1024).ToArray(), b => Assert.Equal(0xab, b));
        Assert.True(_export.Flushes >= 1);
    }

    [Fact]
    public async Task QemuIo_write_zeroes_and_discard()
    {
        if (Missing(output, "qemu-io"))
        {
            return;
        }
        var (rc, text) = await RunAsync("qemu-io", ["-f", "raw", "-c", "write -P 0x11 0 128k", "-c", "write -z 0 64k", "-c", "discard 64k 64k", "-c", "read -P 0 0 128k", Uri]);
        Assert.True(rc == 0, text);
        Assert.DoesNotContain("verification failed", text);
    }

    [Fact]
    public async Task QemuIo_fua_write_is_flagged()
    {
        if (Missing(output, "qemu-io"))
        {
            return;
        }
        var (rc, text) = await RunAsync("qemu-io", ["-f", "raw", "-c", "write -f -P 0x22 0 4k", Uri]);
        Assert.True(rc == 0, text);
        Assert.True(_export.FuaWrites >= 1);
    }

    [Fact]
    public async Task Failed_read_is_reported_as_an_error_not_data()
    {
        if (Missing(output, "qemu-io"))
        {
            return;
        }
        _export.BadOffset = 8192;
        var (rc, text) = await RunAsync("qemu-io", ["-f", "raw", "-c", "read 8192 4096", Uri]);
        output.WriteLine(text);
        Assert.Contains("Input/output error", text);
        (rc, text) = await RunAsync("qemu-io", ["-f", "raw", "-c", "read -P 0 0 4096", Uri]);
        Assert.True(rc == 0, text);
    }

    [Fact]
    public async Task Nbdinfo_reports_size_capabilities_and_list()
    {
        if (Missing(output, "nbdinfo"))
        {
            return;
        }
        var (rc, text) = await RunAsync("nbdinfo", ["--size", Uri]);
        Assert.True(rc == 0, text);
        Assert.Equal((8 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), text.Trim());
        foreach (var capability in new[] { "flush", "trim", "zero", "fua", "multi-conn" })
        {
            (rc, text) = await RunAsync("nbdinfo", ["--can", capability, Uri]);
            Assert.True(rc == 0, $"{capability}: {text}");
        }
        (rc, text) = await RunAsync("nbdinfo", ["--list", $"nbd://127.0.0.1:{_server.LocalEndPoint.Port}"]);
        Assert.True(rc == 0, text);
        Assert.Contains(Name, text);
    }

    [Fact]
    public async Task Unknown_export_is_refused()
    {
        if (Missing(output, "nbdinfo"))
        {
            return;
        }
        var (rc, text) = await RunAsync("nbdinfo", [$"nbd://127.0.0.1:{_server.LocalEndPoint.Port}/vol-00000000000000000"]);
        Assert.NotEqual(0, rc);
        output.WriteLine(text);
    }

    [Fact]
    public async Task Nbdcopy_round_trips_a_file()
    {
        if (Missing(output, "nbdcopy"))
        {
            return;
        }
        var source = new byte[3 * 1024 * 1024];
        new Random(7).NextBytes(source);
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, source);
            var (rc, text) = await RunAsync("nbdcopy", ["--flush", path, Uri]);
            Assert.True(rc == 0, text);
            Assert.Equal(source, _export.Data.AsSpan(0, source.Length).ToArray());
            var back = path + ".back";
            (rc, text) = await RunAsync("nbdcopy", [Uri, back]);
            Assert.True(rc == 0, text);
            Assert.Equal(source, File.ReadAllBytes(back).AsSpan(0, source.Length).ToArray());
            File.Delete(back);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Closing_the_export_drops_live_connections()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _server.LocalEndPoint.Port);
        var stream = client.GetStream();
        var hello = new byte[18];
        await stream.ReadExactlyAsync(hello);
        await stream.WriteAsync(new byte[] { 0, 0, 0, 3 });
        // NBD_OPT_EXPORT_NAME
        var name = System.Text.Encoding.UTF8.GetBytes(Name);
        var opt = new byte[16 + name.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(opt, 0x49484156454F5054);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(opt.AsSpan(8), 1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(opt.AsSpan(12), (uint)name.Length);
        name.CopyTo(opt, 16);
        await stream.WriteAsync(opt);
        var reply = new byte[10];
        await stream.ReadExactlyAsync(reply);
        Assert.Equal(8L * 1024 * 1024, System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(reply));
        Assert.Equal(1, _server.ConnectionCount);

        _export.Close();
        var buffer = new byte[1];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var n = await stream.ReadAsync(buffer, timeout.Token);
        Assert.Equal(0, n);
    }
}
