using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace SseSim.Server.Tests.Security;

/// <summary>
/// Kestrel's timeouts cap slow clients (docs/security.md#limits): a client trickling its headers, or a body below
/// 240 B/s, loses the connection. The server runs with 2 s limits (30 s and 10 s by default) so the test is short; the
/// bound on the close is deliberately generous, it only has to be finite.
/// </summary>
public sealed class SlowClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly ServerFixture _server = new() { ExtraArgs = ["--RequestHeadersTimeoutSeconds", "2", "--RequestBodyGraceSeconds", "2"] };

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_client_trickling_its_headers_is_disconnected()
    {
        var (closed, elapsed, answer) = await TrickleAsync("GET /_ssesim/health HTTP/1.1\r\nHost: localhost\r\n", "X-Slow: " + new string('a', 10_000));
        Assert.True(closed, $"still open after {elapsed}");
        // Kestrel's answer to RequestHeadersTimeout, if it gets one out before closing, is 408.
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
    }

    [Fact]
    public async Task A_client_trickling_a_body_is_disconnected()
    {
        // The KMS JSON API reads the body before it checks the signature, so even an unsigned request gets this far.
        const string head = "POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: TrentService.ListKeys\r\n"
            + "Content-Type: application/x-amz-json-1.1\r\nContent-Length: 100000\r\n\r\n";
        var (closed, elapsed, answer) = await TrickleAsync(head, "{" + new string(' ', 99_999));
        Assert.True(closed, $"still open after {elapsed}");
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
    }

    /// <summary>Sends <paramref name="head"/>, then <paramref name="trickle"/> one byte per 100 ms, until the server closes or the bound passes.</summary>
    private async Task<(bool Closed, TimeSpan Elapsed, string Answer)> TrickleAsync(string head, string trickle)
    {
        var uri = new Uri(_server.Endpoint);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(uri.Host, uri.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(head));
        var received = new MemoryStream();
        var buffer = new byte[4096];
        var read = socket.ReceiveAsync(buffer, SocketFlags.None);
        var clock = Stopwatch.StartNew();
        var closed = false;
        for (var i = 0; i < trickle.Length && clock.Elapsed < Bound && !closed; i++)
        {
            try
            {
                await socket.SendAsync(Encoding.ASCII.GetBytes(trickle[i..(i + 1)]));
            }
            catch (SocketException)
            {
                closed = true;
                break;
            }
            if (await Task.WhenAny(read, Task.Delay(100)) == read)
            {
                closed = await DrainAsync(socket, read, received, buffer);
            }
        }
        return (closed, clock.Elapsed, Encoding.ASCII.GetString(received.ToArray()));
    }

    /// <summary>Reads what the server sent until it closes; true once it has.</summary>
    private static async Task<bool> DrainAsync(Socket socket, Task<int> pending, MemoryStream received, byte[] buffer)
    {
        try
        {
            var n = await pending;
            while (n > 0)
            {
                received.Write(buffer, 0, n);
                n = await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Bound);
            }
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
