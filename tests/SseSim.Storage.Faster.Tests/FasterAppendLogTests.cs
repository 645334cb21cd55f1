using System.Text;

namespace SseSim.Storage.Faster.Tests;

public sealed class FasterAppendLogTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Records_come_back_oldest_first_across_reopen()
    {
        var big = new byte[3 << 20]; // spans several log pages
        new Random(3).NextBytes(big);
        await using (var log = new FasterAppendLog(_dir.Path))
        {
            Assert.Empty(log.ReadAll());
            await log.AppendAsync(Encoding.UTF8.GetBytes("first"));
            await log.AppendAsync(Array.Empty<byte>());
            await log.AppendAsync(big);
            await log.AppendAsync(Encoding.UTF8.GetBytes("last"));
            Assert.Equal(4, log.ReadAll().Count());
        }
        await using (var log = new FasterAppendLog(_dir.Path))
        {
            var records = log.ReadAll().ToList();
            Assert.Equal(4, records.Count);
            Assert.Equal("first", Encoding.UTF8.GetString(records[0]));
            Assert.Empty(records[1]);
            Assert.Equal(big, records[2]);
            Assert.Equal("last", Encoding.UTF8.GetString(records[3]));

            await log.AppendAsync(Encoding.UTF8.GetBytes("after-reopen"));
            Assert.Equal("after-reopen", Encoding.UTF8.GetString(log.ReadAll().Last()));
        }
    }

    [Fact]
    public async Task Concurrent_appends_are_all_durable_and_keep_per_writer_order()
    {
        await using (var log = new FasterAppendLog(_dir.Path))
        {
            await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < 100; i++)
                {
                    await log.AppendAsync(Encoding.UTF8.GetBytes($"{w}:{i}"));
                }
            })));
        }
        await using (var log = new FasterAppendLog(_dir.Path))
        {
            var records = log.ReadAll().Select(r => Encoding.UTF8.GetString(r).Split(':')).ToList();
            Assert.Equal(800, records.Count);
            foreach (var writer in records.GroupBy(r => r[0]))
            {
                Assert.Equal(Enumerable.Range(0, 100), writer.Select(r => int.Parse(r[1])));
            }
        }
    }
}
