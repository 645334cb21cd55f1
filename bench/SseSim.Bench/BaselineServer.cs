using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SseSim.Bench;

/// <summary>
/// A baseline endpoint for `ssesim bench` (<see cref="PlainCopyServer"/>, <see cref="MemoryCeilingServer"/>): Kestrel on
/// loopback with one request handler and nothing else, no auth, so a ratio against it isolates what SseSim adds.
/// </summary>
public sealed class BaselineServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Action? _dispose;

    private BaselineServer(WebApplication app, Action? dispose)
    {
        _app = app;
        _dispose = dispose;
    }

    public string Endpoint => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static async Task<BaselineServer> StartAsync(int port, RequestDelegate handler, Action? dispose = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = null;
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        return new BaselineServer(app, dispose);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _dispose?.Invoke();
    }
}
