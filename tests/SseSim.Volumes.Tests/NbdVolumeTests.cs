using System.Diagnostics;
using System.Net;
using SseSim.Nbd;
using Xunit.Abstractions;

namespace SseSim.Volumes.Tests;

/// <summary>Real NBD clients (qemu-io, nbdinfo, nbdcopy) against attached volumes served by NbdServer in-process.</summary>
public sealed class NbdVolumeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly Harness _h = new();
    private NbdServer _server = null!;

    private string Uri(string volumeId) => $"nbd://127.0.0.1:{_server.LocalEndPoint.Port}/{volumeId}";

    public async Task InitializeAsync()
    {
        _server = new NbdServer(new IPEndPoint(IPAddress.Loopback, 0), _h.Service.Exports);
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _h.DisposeAsync();
    }

    private bool Missing(params string[] tools)
    {
        var missing = tools.Where(t => !File.Exists($"/usr/bin/{t}")).ToArray();
        if (missing.Length > 0)
        {
            // CI installs the clients, so a missing one there is a failure, never a silent pass.
            Assert.True(Environment.GetEnvironmentVariable("CI") is null, $"{string.Join(", ", missing)} not installed; .ci/run installs qemu-utils and libnbd-bin");
            output.WriteLine($"SKIPPED: {string.Join(", ", missing)} not installed (apt-get install -y qemu-utils libnbd-bin).");
        }
        return missing.Length > 0;
    }

    private static async Task<(int Code, string Text)> RunAsync(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo($"/usr/bin/{tool}") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task Qemu_io_pattern_round_trip_is_encrypted_at_rest()
    {
        if (Missing("qemu-io"))
        {
            return;
        }
        var (volume, _) = await _h.CreateAttachedAsync();
        var (code, text) = await RunAsync("qemu-io", "-f", "raw", "-c", "write -P 0xab 0 1M", "-c", "flush", "-c", "read -P 0xab 0 1M", "-c", "read -P 0 1M 1M", Uri(volume.VolumeId));
        Assert.True(code == 0, text);
        Assert.DoesNotContain("verification failed", text);
        Assert.Equal(256, _h.Blocks.Dump().Count());
        var run = Enumerable.Repeat((byte)0xab, 4096).ToArray();
        Assert.All(_h.Blocks.Dump(), r => Assert.Equal(-1, r.Value.AsSpan().IndexOf(run.AsSpan(0, 32))));
    }

    [Fact]
    public async Task Block_status_maps_written_and_snapshot_blocks_as_data_and_the_rest_as_holes()
    {
        if (Missing("qemu-io", "qemu-img", "nbdinfo", "nbdcopy"))
        {
            return;
        }
        var (volume, _) = await _h.CreateAttachedAsync();
        var (code, text) = await RunAsync("qemu-io", "-f", "raw", "-c", "write -P 0xab 1M 64k", "-c", "write -P 0xcd 6K 1K", Uri(volume.VolumeId));
        Assert.True(code == 0, text);
        (code, text) = await RunAsync("nbdinfo", "--map", Uri(volume.VolumeId));
        Assert.True(code == 0, text);
        // A partly written block is data as a whole; extents merge across blocks of the same status.
        Assert.Equal(
            ["0 4096 3 hole,zero", "4096 4096 0 data", "8192 1040384 3 hole,zero", "1048576 65536 0 data", "1114112 1072627712 3 hole,zero"],
            text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))));
        (code, text) = await RunAsync("qemu-img", "map", "-f", "raw", "--output=json", Uri(volume.VolumeId));
        Assert.True(code == 0, text);
        Assert.Contains("\"start\": 1048576, \"length\": 65536, \"depth\": 0, \"present\": true, \"zero\": false, \"data\": true", text);

        // A volume restored from a snapshot: the snapshot's blocks are data before the new volume writes any.
        var snapshot = await _h.Service.CreateSnapshotAsync(Harness.Caller, volume.VolumeId);
        await _h.Service.WaitForSnapshotAsync(snapshot.SnapshotId);
        var (restored, _) = await _h.CreateAttachedAsync(snapshotId: snapshot.SnapshotId);
        (code, text) = await RunAsync("nbdinfo", "--map", "--totals", Uri(restored.VolumeId));
        Assert.True(code == 0, text);
        Assert.StartsWith("69632", text.Trim());

        // nbdcopy follows the map: the copy is sparse and holds every written byte.
        var path = Path.GetTempFileName();
        try
        {
            (code, text) = await RunAsync("nbdcopy", Uri(restored.VolumeId), path);
            Assert.True(code == 0, text);
            await using var copy = File.OpenRead(path);
            Assert.Equal(1L << 30, copy.Length);
            var chunk = new byte[4 << 20];
            await copy.ReadExactlyAsync(chunk);
            // Everything written sits in the first 4 MiB; the rest of the copy must be zeros.
            Assert.True(chunk.AsSpan(1 << 20, 65536).IndexOfAnyExcept((byte)0xab) < 0);
            Assert.True(chunk.AsSpan(6144, 1024).IndexOfAnyExcept((byte)0xcd) < 0);
            chunk.AsSpan(1 << 20, 65536).Clear();
            chunk.AsSpan(6144, 1024).Clear();
            for (var at = 0L; ; at += chunk.Length)
            {
                Assert.True(chunk.AsSpan().IndexOfAnyExcept((byte)0) < 0, $"non-zero byte in the copy's chunk at {at}");
                if (at + chunk.Length == copy.Length)
                {
                    break;
                }
                await copy.ReadExactlyAsync(chunk);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Qemu_img_convert_writes_a_sparse_image_and_zeroes_its_holes()
    {
        if (Missing("qemu-img", "nbdinfo"))
        {
            return;
        }
        var (volume, _) = await _h.CreateAttachedAsync();
        var export = _h.Export(volume.VolumeId);
        // Old data that the image's holes must overwrite with zeros.
        await export.WriteAsync(8 << 20, Enumerable.Repeat((byte)0x11, 8192).ToArray(), false, default);
        var image = Path.GetTempFileName();
        try
        {
            await using (var f = File.OpenWrite(image))
            {
                f.SetLength(1L << 30);
                f.Position = 300L << 20;
                await f.WriteAsync(Enumerable.Repeat((byte)0x5c, 4096).ToArray());
            }
            var (code, text) = await RunAsync("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", image, Uri(volume.VolumeId));
            Assert.True(code == 0, text);
        }
        finally
        {
            File.Delete(image);
        }
        var back = new byte[8192];
        await export.ReadAsync(8 << 20, back, default);
        Assert.All(back, b => Assert.Equal(0, b));
        await export.ReadAsync(300L << 20, back.AsMemory(0, 4096), default);
        Assert.All(back.AsSpan(0, 4096).ToArray(), b => Assert.Equal(0x5c, b));
        // Only the image's data block holds a record: the zeroed blocks' records are gone, the rest were never written.
        Assert.Equal([(long)((300L << 20) / 4096)], _h.Blocks.Dump().Where(r => r.Key.VolumeId == volume.VolumeId).Select(r => r.Key.BlockIndex));
    }

    [Fact]
    public async Task Tampered_block_is_an_io_error_for_qemu()
    {
        if (Missing("qemu-io"))
        {
            return;
        }
        var (volume, _) = await _h.CreateAttachedAsync();
        Assert.Equal(0, (await RunAsync("qemu-io", "-f", "raw", "-c", "write -P 0x5a 0 64k", Uri(volume.VolumeId))).Code);
        var record = new byte[Blocks.BlockFormat.EncryptedRecordSize];
        _h.Blocks.TryRead(volume.VolumeId, 2, record, out _);
        record[500] ^= 1;
        _h.Blocks.Write(volume.VolumeId, 2, record);
        var (_, text) = await RunAsync("qemu-io", "-f", "raw", "-c", "read -P 0x5a 8k 4k", Uri(volume.VolumeId));
        Assert.Contains("Input/output error", text);
        var (code, ok) = await RunAsync("qemu-io", "-f", "raw", "-c", "read -P 0x5a 0 8k", "-c", "read -P 0x5a 12k 52k", Uri(volume.VolumeId));
        Assert.True(code == 0, ok);
    }

    [Fact]
    public async Task Detached_volume_is_refused_and_detach_drops_connections()
    {
        if (Missing("nbdinfo", "nbdcopy"))
        {
            return;
        }
        var (volume, _) = await _h.CreateAttachedAsync(size: 1);
        var (code, text) = await RunAsync("nbdinfo", "--size", Uri(volume.VolumeId));
        Assert.True(code == 0, text);
        Assert.Equal("1073741824", text.Trim());
        (code, text) = await RunAsync("nbdinfo", "--list", $"nbd://127.0.0.1:{_server.LocalEndPoint.Port}");
        Assert.Contains(volume.VolumeId, text);

        var source = new byte[4 * 1024 * 1024];
        new Random(3).NextBytes(source);
        var path = Path.GetTempFileName();
        await File.WriteAllBytesAsync(path, source);
        try
        {
            (code, text) = await RunAsync("nbdcopy", "--flush", path, Uri(volume.VolumeId));
            Assert.True(code == 0, text);
            // Reading back in-process: nbdcopy would copy the whole 1 GiB device to disk.
            var back = new byte[source.Length];
            await _h.Export(volume.VolumeId).ReadAsync(0, back, default);
            Assert.Equal(source, back);
        }
        finally
        {
            File.Delete(path);
        }

        await _h.Service.DetachVolumeAsync(Harness.Caller, volume.VolumeId);
        (code, text) = await RunAsync("nbdinfo", Uri(volume.VolumeId));
        Assert.NotEqual(0, code);
        output.WriteLine(text);
    }

    [Fact]
    public async Task Detach_drops_a_live_connection()
    {
        var (volume, _) = await _h.CreateAttachedAsync();
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _server.LocalEndPoint.Port);
        var stream = client.GetStream();
        await stream.ReadExactlyAsync(new byte[18]);
        await stream.WriteAsync(new byte[] { 0, 0, 0, 3 });
        var name = System.Text.Encoding.UTF8.GetBytes(volume.VolumeId);
        var opt = new byte[16 + name.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(opt, 0x49484156454F5054);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(opt.AsSpan(8), 1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(opt.AsSpan(12), (uint)name.Length);
        name.CopyTo(opt, 16);
        await stream.WriteAsync(opt);
        await stream.ReadExactlyAsync(new byte[10]);
        await _h.Service.DetachVolumeAsync(Harness.Caller, volume.VolumeId);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await stream.ReadAsync(new byte[1], timeout.Token));
    }
}
