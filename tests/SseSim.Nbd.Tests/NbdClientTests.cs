using System.Net;

namespace SseSim.Nbd.Tests;

public sealed class NbdClientTests : IAsyncLifetime
{
    private const string Name = "vol-0fedcba987654321f";
    private readonly MemoryExportProvider _provider = new();
    private readonly MemoryExport _export = new(Name, 4 * 1024 * 1024);
    private readonly System.Collections.Concurrent.ConcurrentQueue<NbdRequestFailure> _failures = new();
    private NbdServer _server = null!;

    private int Port => _server.LocalEndPoint.Port;

    public async Task InitializeAsync()
    {
        _provider.Exports[Name] = _export;
        _server = new NbdServer(new IPEndPoint(IPAddress.Loopback, 0), _provider) { RequestFailed = _failures.Enqueue };
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _export.Dispose();
    }

    [Fact]
    public async Task Go_reports_size_and_flags_then_write_flush_read_round_trip()
    {
        await using var client = await NbdClient.ConnectAsync("127.0.0.1", Port, Name);
        Assert.Equal(4 * 1024 * 1024, client.Size);
        Assert.False(client.IsReadOnly);

        var data = new byte[8192];
        Random.Shared.NextBytes(data);
        await client.WriteAsync(12288, data, fua: true);
        await client.FlushAsync();
        Assert.Equal(data, _export.Data.AsSpan(12288, 8192).ToArray());
        Assert.Equal(1, _export.Flushes);
        Assert.Equal(1, _export.FuaWrites);

        var back = new byte[8192];
        await client.ReadAsync(12288, back);
        Assert.Equal(data, back);
    }

    [Fact]
    public async Task A_slow_request_does_not_hold_back_later_ones_on_the_same_connection()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _export.HoldReadsAtZero = release.Task;
        _export.Data.AsSpan(0, 4096).Fill(0x5a);
        await using var client = await NbdClient.ConnectAsync("127.0.0.1", Port, Name);
        var slow = new byte[4096];
        var slowRead = client.ReadAsync(0, slow);

        // Served while the first read still waits: its reply goes out first, matched by handle.
        var data = new byte[4096];
        Random.Shared.NextBytes(data);
        await client.WriteAsync(8192, data).WaitAsync(TimeSpan.FromSeconds(30));
        var back = new byte[4096];
        await client.ReadAsync(8192, back).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(data, back);
        Assert.False(slowRead.IsCompleted);

        release.SetResult();
        await slowRead.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(slow, b => Assert.Equal(0x5a, b));
    }

    [Fact]
    public async Task Many_requests_in_flight_complete_with_their_own_data()
    {
        for (var i = 0; i < 64; i++)
        {
            _export.Data.AsSpan(i * 4096, 4096).Fill((byte)i);
        }
        await using var client = await NbdClient.ConnectAsync("127.0.0.1", Port, Name);
        var buffers = Enumerable.Range(0, 64).Select(_ => new byte[4096]).ToArray();
        await Task.WhenAll(Enumerable.Range(0, 64).Select(i => client.ReadAsync(i * 4096L, buffers[i])));
        for (var i = 0; i < 64; i++)
        {
            Assert.All(buffers[i], b => Assert.Equal((byte)i, b));
        }
    }

    [Fact]
    public async Task Server_errors_surface_as_NbdException_and_the_connection_stays_usable()
    {
        _export.BadOffset = 8192;
        await using var client = await NbdClient.ConnectAsync("127.0.0.1", Port, Name);
        var e = await Assert.ThrowsAsync<NbdException>(() => client.ReadAsync(8192, new byte[4096]));
        Assert.Equal(NbdError.Eio, e.Error);
        var beyond = await Assert.ThrowsAsync<NbdException>(() => client.WriteAsync(client.Size, new byte[4096]));
        Assert.Equal(NbdError.Enospc, beyond.Error);
        await client.ReadAsync(0, new byte[4096]);
        // The EIO's cause reaches the server's hook; ENOSPC for a write past the end is the server's own answer.
        var failure = Assert.Single(_failures);
        Assert.Equal(("READ", 8192L, 4096L, NbdError.Eio), (failure.Command, failure.Offset, failure.Length, failure.Error));
        Assert.Equal("tag mismatch", failure.Exception.Message);
    }

    [Fact]
    public async Task An_unexpected_export_exception_is_answered_EIO_and_reported_not_left_unanswered()
    {
        // Not an IOException (a store's argument check, say): once the request went unanswered and the client hung.
        _export.BadOffset = 8192;
        _export.BadReadError = () => new ArgumentException("A slot holds 4124 bytes; the record has 5000.");
        await using var client = await NbdClient.ConnectAsync("127.0.0.1", Port, Name);
        var e = await Assert.ThrowsAsync<NbdException>(() => client.ReadAsync(8192, new byte[4096]).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(NbdError.Eio, e.Error);
        await client.ReadAsync(0, new byte[4096]).WaitAsync(TimeSpan.FromSeconds(30));
        var failure = Assert.Single(_failures);
        Assert.IsType<ArgumentException>(failure.Exception);
        Assert.Equal((Name, NbdError.Eio), (failure.Export, failure.Error));
    }

    [Fact]
    public async Task Unknown_export_is_refused_during_the_handshake()
    {
        var e = await Assert.ThrowsAsync<NbdException>(() => NbdClient.ConnectAsync("127.0.0.1", Port, "vol-nope"));
        Assert.Contains("vol-nope", e.Message);
    }
}
