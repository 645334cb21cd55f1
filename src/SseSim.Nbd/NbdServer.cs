using System.Net;
using System.Net.Sockets;

namespace SseSim.Nbd;

/// <summary>
/// NBD server (fixed newstyle, simple replies) over TCP. Knows nothing about volumes or encryption: it
/// serves whatever <see cref="INbdExportProvider"/> finds at handshake time.
/// </summary>
public sealed class NbdServer(IPEndPoint endPoint, INbdExportProvider exports) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly HashSet<NbdConnection> _connections = [];
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private Task? _acceptLoop;

    /// <summary>
    /// Told of every request answered with an error the export did not choose (EIO for a block that fails
    /// authentication, a storage error or an unexpected exception; ENOSPC for a full disk), so the cause is not lost.
    /// </summary>
    public Action<NbdRequestFailure>? RequestFailed { get; init; }

    /// <summary>The bound endpoint (the real port when started on port 0).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint?)_listener?.LocalEndPoint ?? endPoint;

    public int ConnectionCount { get { lock (_lock) { return _connections.Count; } } }

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(endPoint);
        listener.Listen(64);
        _listener = listener;
        _acceptLoop = AcceptLoopAsync(listener);
        return Task.CompletedTask;
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            socket.NoDelay = true;
            var connection = new NbdConnection(socket, exports, _stopping.Token, RequestFailed);
            lock (_lock)
            {
                _connections.Add(connection);
            }
            _ = RunConnectionAsync(connection);
        }
    }

    private async Task RunConnectionAsync(NbdConnection connection)
    {
        try
        {
            await connection.RunAsync();
        }
        finally
        {
            lock (_lock)
            {
                _connections.Remove(connection);
            }
        }
    }

    /// <summary>Stops accepting, drops every connection and waits for them to finish.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        await _stopping.CancelAsync();
        _listener?.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop;
        }
        NbdConnection[] open;
        lock (_lock)
        {
            open = [.. _connections];
        }
        foreach (var c in open)
        {
            c.Abort();
        }
        await Task.WhenAll(open.Select(c => c.Completion)).WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }
}
