using System.Text;
using SseSim.Core.Storage;

namespace SseSim.Storage.Faster.Tests;

public sealed class FasterStorageProviderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Stores_live_in_their_own_directories_and_survive_a_restart()
    {
        var dataDir = _dir.Sub("data");
        await using (var provider = new FasterStorageProvider(dataDir))
        {
            var keys = provider.OpenTable("keys");
            Assert.Same(keys, provider.OpenTable("keys"));
            var audit = provider.OpenLog("audit");
            Assert.Same(audit, provider.OpenLog("audit"));
            Assert.NotSame(keys, provider.OpenTable("grants"));

            await keys.PutAsync("k1", Encoding.UTF8.GetBytes("v1"));
            await audit.AppendAsync(Encoding.UTF8.GetBytes("event"));
        }
        Assert.True(Directory.Exists(Path.Combine(dataDir, "keys")));
        Assert.True(Directory.Exists(Path.Combine(dataDir, "audit")));
        Assert.True(Directory.Exists(Path.Combine(dataDir, "grants")));

        await using (var provider = new FasterStorageProvider(dataDir))
        {
            Assert.True(provider.OpenTable("keys").TryGet("k1", out var v));
            Assert.Equal("v1", Encoding.UTF8.GetString(v));
            Assert.Equal("event", Encoding.UTF8.GetString(Assert.Single(provider.OpenLog("audit").ReadAll())));
            Assert.Empty(provider.OpenTable("grants").Scan(""));
        }
    }

    [Fact]
    public async Task Names_are_single_directories_and_one_kind_each()
    {
        await using var provider = new FasterStorageProvider(_dir.Path);
        Assert.Throws<ArgumentException>(() => provider.OpenTable("../escape"));
        Assert.Throws<ArgumentException>(() => provider.OpenTable("a/b"));
        Assert.Throws<ArgumentException>(() => provider.OpenTable(".."));
        Assert.Throws<ArgumentException>(() => provider.OpenLog(""));
        provider.OpenTable("t");
        Assert.Throws<InvalidOperationException>(() => provider.OpenLog("t"));
    }

    [Fact]
    public async Task Dispose_closes_every_store()
    {
        var provider = new FasterStorageProvider(_dir.Path);
        var table = provider.OpenTable("t");
        await provider.DisposeAsync();
        await provider.DisposeAsync();
        Assert.Throws<ObjectDisposedException>(() => provider.OpenTable("t"));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await table.PutAsync("k", [1]));
    }
}
