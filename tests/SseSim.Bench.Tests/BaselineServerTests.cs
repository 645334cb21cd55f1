using System.Net;
using SseSim.Bench;

namespace SseSim.Bench.Tests;

/// <summary>The e2e script's baseline endpoints answer a PUT with 200 and give the same bytes back on GET.</summary>
public sealed class BaselineServerTests
{
    public static TheoryData<string> Servers() => ["plain-copy-server", "memory-ceiling-server"];

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Put_then_get_returns_the_body_and_a_missing_key_is_404(string kind)
    {
        await using var server = kind == "plain-copy-server" ? await PlainCopyServer.StartAsync() : await MemoryCeilingServer.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Endpoint) };
        var body = new byte[4096 + 7];
        Random.Shared.NextBytes(body);

        using (var put = await http.PutAsync("/bucket/key-1", new ByteArrayContent(body)))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        Assert.Equal(body, await http.GetByteArrayAsync("/bucket/key-1"));
        using var missing = await http.GetAsync("/bucket/key-2");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
