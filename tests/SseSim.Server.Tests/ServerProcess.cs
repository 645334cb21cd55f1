using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SseSim.Server.Tests;

/// <summary>The server as a separate process, so a test can kill -9 it and start it again on the same data dir.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private Process? _process;

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "sseSim-proc-" + Guid.NewGuid().ToString("N"));
    public int Port { get; } = FreePort();
    public int NbdPort { get; } = FreePort();
    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>A command the server runs under (e.g. strace and its options); empty: run it directly.</summary>
    public string[] Launcher { get; init; } = [];

    /// <summary>Server options after the run contract's (e.g. "--inline-socket-completions", "false").</summary>
    public string[] Arguments { get; init; } = [];

    /// <summary>The started process (the launcher's, when there is one).</summary>
    public int? ProcessId => _process?.Id;

    public async Task StartAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "SseSim.Server.dll");
        var command = new List<string>(Launcher) { "dotnet" };
        var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in command.Skip(1).Concat([dll, "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--nbd-port", NbdPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", DataDir]).Concat(Arguments))
        {
            psi.ArgumentList.Add(a);
        }
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient();
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await http.GetAsync(Endpoint + "/_ssesim/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            Assert.False(_process.HasExited, "the server process exited during start");
            await Task.Delay(100);
        }
        Assert.Fail("the server did not become healthy");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushes; only what was durable survives.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            // A launcher (strace) has the server as its child, so only then the tree; the wait is bounded because an
            // unbounded WaitForExitAsync after a tree kill once hung a CI run although the child was gone.
            _process.Kill(entireProcessTree: Launcher.Length > 0);
            using var reaped = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(reaped.Token);
            }
            catch (OperationCanceledException) when (!Directory.Exists($"/proc/{_process.Id}"))
            {
            }
        }
        _process?.Dispose();
        _process = null;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
