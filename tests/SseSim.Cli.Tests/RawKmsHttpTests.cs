using System.Net;
using System.Net.Sockets;
using System.Text;
using SseSim.Cli.Bench;

namespace SseSim.Cli.Tests;

/// <summary>
/// The raw-socket KMS client against a scripted HTTP peer: the response framings SseSim itself does not send
/// (chunked, HTTP/1.0 ended by the close) and AWS JSON errors, on one reused connection where the peer allows it.
/// </summary>
public class RawKmsHttpTests
{
    private static readonly LeanHttp.JsonBody Body = new("GenerateDataKey", w => w.WriteString("KeyId", "alias/x"));

    [Fact]
    public async Task Chunked_content_length_and_close_delimited_responses_are_read_and_errors_named()
    {
        const string json = "{\"KeyId\":\"k\",\"Plaintext\":\"AAAA\"}";
        var responses = new[]
        {
            $"HTTP/1.1 200 OK\r\nContent-Length: {json.Length}\r\n\r\n{json}",
            $"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{json[..5]}\r\n{json.Length - 5:x};ext=1\r\n{json[5..]}\r\n0\r\n\r\n",
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 56\r\n\r\n{\"__type\":\"NotFoundException\",\"message\":\"no such key  \"}",
            $"HTTP/1.0 200 OK\r\n\r\n{json}",
        };
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var requests = new List<string>();
        var connections = 0;
        var peer = Task.Run(async () =>
        {
            var next = 0;
            while (next < responses.Length)
            {
                using var client = await listener.AcceptTcpClientAsync();
                connections++;
                var stream = client.GetStream();
                while (next < responses.Length)
                {
                    requests.Add(await ReadRequestAsync(stream));
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(responses[next]));
                    if (responses[next++].StartsWith("HTTP/1.0", StringComparison.Ordinal))
                    {
                        break;
                    }
                }
            }
        });
        var endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        using var raw = new RawKmsHttp(endpoint, new SseSim.Core.Aws.SigV4Signer("AKID", "secret", "us-east-1"));

        Assert.Equal(json.Length, await raw.SendAsync(Body, CancellationToken.None));
        Assert.Equal(json.Length, await raw.SendAsync(Body, CancellationToken.None));
        var error = await Assert.ThrowsAsync<AwsHttpException>(() => raw.SendAsync(Body, CancellationToken.None));
        Assert.Equal("NotFoundException", error.Code);
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Equal(json.Length, await raw.SendAsync(Body, CancellationToken.None));
        await peer.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, connections);
        Assert.All(requests, r =>
        {
            Assert.StartsWith("POST / HTTP/1.1\r\n", r, StringComparison.Ordinal);
            Assert.Contains("X-Amz-Target: TrentService.GenerateDataKey\r\n", r, StringComparison.Ordinal);
            Assert.Contains("Authorization: AWS4-HMAC-SHA256 Credential=AKID/", r, StringComparison.Ordinal);
            Assert.Contains("SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target, Signature=", r, StringComparison.Ordinal);
            Assert.EndsWith("\r\n\r\n{\"KeyId\":\"alias/x\"}", r, StringComparison.Ordinal);
        });
    }

    private static async Task<string> ReadRequestAsync(NetworkStream stream)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var text = Encoding.ASCII.GetString(received.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var length = int.Parse(text.Split("\r\n").Single(l => l.StartsWith("Content-Length: ", StringComparison.Ordinal))[16..]);
                if (received.Count >= end + 4 + length)
                {
                    return text;
                }
            }
            var n = await stream.ReadAsync(buffer);
            Assert.NotEqual(0, n);
            received.AddRange(buffer.AsSpan(0, n));
        }
    }
}
