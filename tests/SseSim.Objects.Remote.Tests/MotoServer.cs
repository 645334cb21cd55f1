using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SseSim.Objects.Remote.Tests;

/// <summary>
/// A real moto_server (S3 mock) on a free loopback port for the remote backend's tests; killed on dispose.
/// Missing moto_server fails the tests when CI is set, otherwise <see cref="Available"/> is false and tests return early.
/// </summary>
public sealed class MotoServer : IAsyncLifetime
{
    private Process? _process;

    public bool Available => _process is not null;
    public string Endpoint { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var port = FreePort();
        var start = new ProcessStartInfo("moto_server", ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            _process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception) when (Environment.GetEnvironmentVariable("CI") is null)
        {
            return;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("moto_server is not installed (pip install 'moto[server]'); the remote backend tests need it under CI", e);
        }
        _process!.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Endpoint = $"http://127.0.0.1:{port}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(Endpoint + "/moto-api/");
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                if (_process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException("moto_server did not start", e);
                }
                await Task.Delay(200);
            }
        }
    }

    public RemoteS3Options Options(string bucket, int readWindow = 8 * 1024) => new()
    {
        Endpoint = Endpoint,
        Bucket = bucket,
        AccessKey = "testing",
        SecretKey = "testing",
        Region = "us-east-1",
        ReadWindow = readWindow, // small by default, so range reads span several ranged GETs
    };

    public Task DisposeAsync()
    {
        if (_process is not null)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
            catch (InvalidOperationException)
            {
            }
            _process.Dispose();
        }
        return Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
