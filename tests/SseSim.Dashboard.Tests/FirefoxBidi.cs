using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SseSim.Dashboard.Tests;

/// <summary>
/// Drives a stock headless Firefox over WebDriver BiDi (built into Firefox; no geckodriver, no Playwright build).
/// Playwright's own Firefox is a patched build that is not available here, so the protocol is spoken directly:
/// just enough of it to navigate, evaluate script, collect console errors and take a screenshot.
/// </summary>
internal sealed class FirefoxBidi : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket;
    private readonly List<JsonNode> _events = [];
    private int _nextId;

    private FirefoxBidi(Process process, string profile, ClientWebSocket socket)
    {
        _process = process;
        _profile = profile;
        _socket = socket;
    }

    public string Context { get; private set; } = "";

    /// <summary>Console entries at level "error" and uncaught exceptions seen so far (log.entryAdded).</summary>
    public IEnumerable<string> Errors => _events
        .Where(e => (string?)e["method"] == "log.entryAdded" && (string?)e["params"]?["level"] == "error")
        .Select(e => (string?)e["params"]?["text"] ?? "(no text)");

    public static async Task<FirefoxBidi> LaunchAsync(string executable)
    {
        var port = FreePort();
        var profile = Directory.CreateTempSubdirectory("ssesim-firefox-").FullName;
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--headless", "--no-remote", "--profile", profile, "--remote-debugging-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "about:blank" })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["MOZ_CRASHREPORTER_DISABLE"] = "1";
        var process = Process.Start(start) ?? throw new InvalidOperationException("firefox did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // The remote agent listens a few seconds after start; a fresh profile is created first.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var socket = new ClientWebSocket();
            try
            {
                await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/session"), CancellationToken.None);
                var bidi = new FirefoxBidi(process, profile, socket);
                await bidi.SendAsync("session.new", new JsonObject { ["capabilities"] = new JsonObject() });
                await bidi.SendAsync("session.subscribe", new JsonObject { ["events"] = new JsonArray("log.entryAdded") });
                var tree = await bidi.SendAsync("browsingContext.getTree", new JsonObject());
                bidi.Context = (string)tree["contexts"]![0]!["context"]!;
                return bidi;
            }
            catch (Exception) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                socket.Dispose();
                await Task.Delay(250);
            }
        }
    }

    public Task<JsonNode> NavigateAsync(string url) =>
        SendAsync("browsingContext.navigate", new JsonObject { ["context"] = Context, ["url"] = url, ["wait"] = "complete" });

    /// <summary>Evaluates a script expression in the page and returns its value as a string (JSON for non-strings).</summary>
    public async Task<string?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("script.evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["target"] = new JsonObject { ["context"] = Context },
            ["awaitPromise"] = true,
        });
        if ((string?)result["type"] == "exception")
        {
            throw new InvalidOperationException("script threw: " + result["exceptionDetails"]?["text"]);
        }
        var value = result["result"];
        return (string?)value?["type"] switch
        {
            "string" => (string?)value["value"],
            "null" or "undefined" => null,
            _ => value?["value"]?.ToJsonString(),
        };
    }

    /// <summary>Polls an expression until it yields the expected string, as a user would wait for the page to render.</summary>
    public async Task WaitForAsync(string expression, string expected, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        string? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await EvaluateAsync(expression);
            if (last == expected)
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Firefox: `{expression}` was \"{last}\", expected \"{expected}\"");
    }

    public async Task<byte[]> ScreenshotAsync()
    {
        var result = await SendAsync("browsingContext.captureScreenshot", new JsonObject { ["context"] = Context, ["origin"] = "document" });
        return Convert.FromBase64String((string)result["data"]!);
    }

    public async Task<JsonNode> SendAsync(string method, JsonObject parameters)
    {
        var id = ++_nextId;
        var command = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _socket.SendAsync(Encoding.UTF8.GetBytes(command.ToJsonString()), WebSocketMessageType.Text, true, timeout.Token);
        while (true)
        {
            var message = await ReceiveAsync(timeout.Token);
            if (message["id"] is null)
            {
                _events.Add(message); // an event, not our reply
                continue;
            }
            if ((int)message["id"]! != id)
            {
                continue;
            }
            if ((string?)message["type"] == "error")
            {
                throw new InvalidOperationException($"BiDi {method} failed: {message["error"]}: {message["message"]}");
            }
            return message["result"]!;
        }
    }

    private async Task<JsonNode> ReceiveAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        WebSocketReceiveResult received;
        do
        {
            received = await _socket.ReceiveAsync(chunk, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException("Firefox closed the BiDi connection");
            }
            buffer.Write(chunk, 0, received.Count);
        }
        while (!received.EndOfMessage);
        return JsonNode.Parse(buffer.ToArray())!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await SendAsync("session.end", new JsonObject());
        }
        catch (Exception)
        {
            // Firefox may already be gone; it is killed below either way.
        }
        _socket.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // A profile file still held open; the temp dir is cleaned by the OS.
        }
    }
}
