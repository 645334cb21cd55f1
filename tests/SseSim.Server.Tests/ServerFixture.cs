using Amazon.KeyManagementService;
using Amazon.Runtime;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SseSim.Server.Hosting;

namespace SseSim.Server.Tests;

/// <summary>The real server, in-process on an ephemeral loopback port with its own data dir.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "sseSim-tests-" + Guid.NewGuid().ToString("N"));
    public string Endpoint { get; private set; } = "";
    public int NbdPort { get; private set; }
    public string[] ExtraArgs { get; init; } = [];

    /// <summary>The server's clock; the system clock unless a test moves time (<see cref="ShiftedTime"/>).</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>The running server's services, for tests that look behind the wire (never to change state).</summary>
    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync() => await StartAsync();

    public async Task StartAsync()
    {
        _app = SseSimHost.Build(["--port", "0", "--nbd-port", "0", "--data-dir", DataDir, .. ExtraArgs],
            Time is { } time ? b => b.Services.AddSingleton(time) : null);
        await _app.StartAsync();
        NbdPort = _app.Services.GetRequiredService<NbdHost>().Server.LocalEndPoint.Port;
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Endpoint = addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal);
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    private async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public AmazonKeyManagementServiceClient Kms(string accessKey = "test", string secretKey = "test") =>
        new(new BasicAWSCredentials(accessKey, secretKey), new AmazonKeyManagementServiceConfig
        {
            ServiceURL = Endpoint,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });

    public async Task DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// The system clock moved by <see cref="Offset"/>: a server that lives through days in a test. Timers and timestamps
/// stay real, so only what reads the wall clock sees the move; clients must sign with the same offset (SigV4 allows 15 minutes of skew).
/// </summary>
public sealed class ShiftedTime : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
