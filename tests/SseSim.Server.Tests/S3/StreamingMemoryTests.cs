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

    /// <summary>Deterministic, cheap, non-repeating-per-MiB bytes of a given length: byte p is (p * 31) ^ (p >> 20).</summary>
    private sealed class PatternStream(long length) : Stream
    {
        /// <summary>
        /// The low byte of p * 31 depends only on p mod 256, and p >> 20 is constant within a MiB, so each MiB is this
        /// table (from p mod 256) XOR one byte: copied and XORed a vector at a time, since a loop over 2 GiB of bytes
        /// was most of the test's CPU.
        /// </summary>
        private static readonly byte[] Table = [.. Enumerable.Range(0, (1 << 20) + 256).Select(i => (byte)(i * 31))];

        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            for (var done = 0; done < n;)
            {
                var p = _position + done;
                var run = (int)Math.Min(n - done, (1L << 20) - (p & ((1 << 20) - 1)));
                var target = buffer.Slice(done, run);
                Table.AsSpan((int)(p & 0xFF), run).CopyTo(target);
                Xor(target, (byte)(p >> 20));
                done += run;
            }
            _position += n;
            return n;
        }

        private static void Xor(Span<byte> span, byte value)
        {
            var mask = new System.Numerics.Vector<byte>(value);
            var i = 0;
            for (; i <= span.Length - System.Numerics.Vector<byte>.Count; i += System.Numerics.Vector<byte>.Count)
            {
                (new System.Numerics.Vector<byte>(span[i..]) ^ mask).CopyTo(span[i..]);
            }
            for (; i < span.Length; i++)
            {
                span[i] ^= value;
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
