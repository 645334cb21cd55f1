using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SseSim.Server.Hosting;

namespace SseSim.Bench;

/// <summary>
/// Signed GenerateDataKey calls over HTTP against SseSim and against moto_server, same client, same run.
/// Bounded in time and count; only loopback addresses are used.
/// </summary>
public static class KmsHttpLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16;

        var dataDir = Directory.CreateTempSubdirectory("sseSim-bench-").FullName;
        await using var app = SseSimHost.Build(["--port", "0", "--data-dir", dataDir, "--kms-quotas", "false"]);
        await app.StartAsync();
        var endpoint = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var sseSim = await MeasureAsync(endpoint, seconds, concurrency);
        await app.StopAsync();
        Console.WriteLine($"SseSim GenerateDataKey: {sseSim:F0} ops/s ({concurrency} connections, {seconds} s)");

        var motoPort = FreePort();
        using var moto = Process.Start(new ProcessStartInfo("moto_server", $"-H 127.0.0.1 -p {motoPort}") { RedirectStandardOutput = true, RedirectStandardError = true });
        if (moto is null)
        {
            Console.WriteLine("moto_server not found; no comparison");
            return 0;
        }
        // Drain moto's request log, or it blocks once the pipe fills.
        moto.OutputDataReceived += (_, _) => { };
        moto.ErrorDataReceived += (_, _) => { };
        moto.BeginOutputReadLine();
        moto.BeginErrorReadLine();
        try
        {
            await WaitForPortAsync(motoPort);
            var motoRate = await MeasureAsync($"http://127.0.0.1:{motoPort}", seconds, concurrency);
            Console.WriteLine($"moto_server GenerateDataKey: {motoRate:F0} ops/s");
            Console.WriteLine($"ratio: {sseSim / motoRate:F1}x");
        }
        finally
        {
            moto.Kill(entireProcessTree: true);
        }
        return 0;
    }

    private static async Task<double> MeasureAsync(string endpoint, int seconds, int concurrency)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false });
        var created = await SendAsync(http, endpoint, "CreateKey", "{}");
        var keyId = System.Text.Json.JsonDocument.Parse(created).RootElement.GetProperty("KeyMetadata").GetProperty("KeyId").GetString();
        var body = $"{{\"KeyId\":\"{keyId}\",\"KeySpec\":\"AES_256\",\"EncryptionContext\":{{\"purpose\":\"bench\"}}}}";
        for (var i = 0; i < 200; i++)
        {
            await SendAsync(http, endpoint, "GenerateDataKey", body);
        }
        long count = 0;
        var stop = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (stop.Elapsed < deadline)
            {
                await SendAsync(http, endpoint, "GenerateDataKey", body);
                Interlocked.Increment(ref count);
            }
        }));
        await Task.WhenAll(workers);
        return count / stop.Elapsed.TotalSeconds;
    }

    private static readonly byte[] SigningKey = Derive("test", DateTime.UtcNow.ToString("yyyyMMdd", CultureInfo.InvariantCulture));

    private static async Task<string> SendAsync(HttpClient http, string endpoint, string operation, string json)
    {
        var uri = new Uri(endpoint + "/");
        var body = Encoding.UTF8.GetBytes(json);
        var amzDate = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var target = "TrentService." + operation;
        var host = uri.Authority;
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
        const string signedHeaders = "content-type;host;x-amz-date;x-amz-target";
        var canonical = $"POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:{host}\nx-amz-date:{amzDate}\nx-amz-target:{target}\n\n{signedHeaders}\n{payloadHash}";
        var scope = $"{amzDate[..8]}/us-east-1/kms/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(SigningKey, Encoding.UTF8.GetBytes(stringToSign)));

        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-amz-json-1.1");
        request.Headers.Add("X-Amz-Date", amzDate);
        request.Headers.Add("X-Amz-Target", target);
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential=test/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{operation}: {(int)response.StatusCode} {text}");
        }
        return text;
    }

    private static byte[] Derive(string secret, string date)
    {
        var k = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        k = HMACSHA256.HashData(k, "us-east-1"u8);
        k = HMACSHA256.HashData(k, "kms"u8);
        return HMACSHA256.HashData(k, "aws4_request"u8);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port)
    {
        for (var i = 0; i < 100; i++)
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
