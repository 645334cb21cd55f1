using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SseSim.Server.Hosting;

namespace SseSim.Bench;

/// <summary>What the load modes share: the in-process SseSim host, moto_server on loopback, the load average.</summary>
public static class BenchEnv
{
    /// <summary>1-minute load average, printed next to every figure (the bench machine is shared).</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? "load " + File.ReadAllText("/proc/loadavg").Split(' ')[0] : "load ?";

    public static async Task<(WebApplication App, string Endpoint, string DataDir)> StartSseSimAsync()
    {
        var dataDir = Directory.CreateTempSubdirectory("sseSim-bench-").FullName;
        // Quotas off: the figures measure the work, not the 10,000/s AWS default.
        var app = SseSimHost.Build(["--port", "0", "--nbd-port", "0", "--data-dir", dataDir, "--kms-quotas", "false"]);
        await app.StartAsync();
        var endpoint = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, endpoint, dataDir);
    }

    public static async Task StopSseSimAsync(WebApplication app, string dataDir)
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Directory.Delete(dataDir, recursive: true);
    }

    /// <summary>Starts <c>moto_server -H 127.0.0.1 -p PORT</c>; null when it is not installed.</summary>
    public static async Task<(Process Process, string Endpoint)?> StartMotoAsync()
    {
        var port = FreePort();
        Process? moto;
        try
        {
            moto = Process.Start(new ProcessStartInfo("moto_server", $"-H 127.0.0.1 -p {port}") { RedirectStandardOutput = true, RedirectStandardError = true });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        if (moto is null)
        {
            return null;
        }
        // Drain its request log so a full pipe never stalls it.
        moto.OutputDataReceived += (_, _) => { };
        moto.ErrorDataReceived += (_, _) => { };
        moto.BeginOutputReadLine();
        moto.BeginErrorReadLine();
        await WaitForPortAsync(port);
        return (moto, $"http://127.0.0.1:{port}");
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port)
    {
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException("moto_server did not start");
    }
}
