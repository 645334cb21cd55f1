using System.Diagnostics;
using System.Net;

namespace SseSim.Server.Tests.S3;

/// <summary>
/// The working set is the whole test process's, so this runs alone: xunit starts a collection with parallelization
/// disabled only after every parallel collection has finished.
/// </summary>
[CollectionDefinition("Memory", DisableParallelization = true)]
public sealed class MemoryCollection : ICollectionFixture<ServerFixture>;

/// <summary>A 1 GiB PUT and GET stream through the server without growing memory with the object size.</summary>
[Collection("Memory")]
public sealed class StreamingMemoryTests(ServerFixture server)
{
    private const long Size = 1L << 30;
    private const long Budget = 100L * 1024 * 1024;

    [Fact]
    public async Task One_GiB_put_and_get_stay_within_100_MiB()
    {
        var bucket = await server.NewBucketAsync();
        using var process = Process.GetCurrentProcess();
        GC.Collect();
        process.Refresh();
        var baseline = process.WorkingSet64;
        long peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                await Task.Delay(50);
            }
        });

        var put = await RawS3.SendStreamAsync(server, $"/{bucket}/big", new PatternStream(Size), Size);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        using var get = await RawS3.SendAsync(server, HttpMethod.Get, $"/{bucket}/big", completeHeadersOnly: true);
        Assert.Equal(Size, get.Content.Headers.ContentLength);
        await using var body = await get.Content.ReadAsStreamAsync();
        var expected = new PatternStream(Size);
        var buffer = new byte[1 << 20];
        var check = new byte[1 << 20];
        long total = 0;
        int n;
        while ((n = await body.ReadAsync(buffer)) > 0)
        {
            await expected.ReadExactlyAsync(check.AsMemory(0, n));
            Assert.True(buffer.AsSpan(0, n).SequenceEqual(check.AsSpan(0, n)), $"mismatch near {total}");
            total += n;
        }
        Assert.Equal(Size, total);

        await sampling.CancelAsync();
        await sampler;
        Assert.True(peak - baseline < Budget, $"working set grew by {(peak - baseline) >> 20} MiB");
    }

    /// <summary>Deterministic, cheap, non-repeating-per-MiB bytes of a given length.</summary>
    private sealed class PatternStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++)
            {
                var p = _position + i;
                buffer[offset + i] = (byte)((p * 31) ^ (p >> 20));
            }
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
