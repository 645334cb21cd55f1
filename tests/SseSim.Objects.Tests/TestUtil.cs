using System.IO.Pipelines;
using SseSim.Core.Secrets;
using SseSim.Objects.Envelope;

namespace SseSim.Objects.Tests;

internal static class TestUtil
{
    public static byte[] Pattern(long length, int seed = 1)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static SecretBytes Key(byte fill = 7)
    {
        var k = new SecretBytes(32);
        k.UnsafeExposeWritable().Fill(fill);
        return k;
    }

    public static EnvelopeBinding Binding(string key = "dir/object.bin", string id = "instance-1", int part = 0) => new("bucket", key, id, part);

    public static async Task<byte[]> EncryptAsync(byte[] plain, SecretBytes key, EnvelopeBinding binding, int segmentSize = EnvelopeFormat.DefaultSegmentSize)
    {
        using var output = new MemoryStream();
        var result = await EnvelopeWriter.EncryptAsync(new MemoryStream(plain), output, key, binding, new EnvelopeWriteOptions { SegmentSize = segmentSize });
        Assert.Equal(plain.Length, result.PlaintextLength);
        Assert.Equal(output.Length, result.CiphertextLength);
        return output.ToArray();
    }

    /// <summary>
    /// Decrypts through every path the reader has, which must agree: the chunked reads that file bodies take, and an
    /// envelope in memory (inline bodies) into a pipe and into a stream. A failure must be the same failure on each.
    /// </summary>
    public static async Task<byte[]> DecryptAsync(byte[] cipher, SecretBytes key, EnvelopeBinding binding, long offset = 0, long length = -1)
    {
        var (_, plainLength) = await EnvelopeReader.ReadHeaderAsync(new MemoryStream(cipher));
        if (length < 0)
        {
            length = plainLength - offset;
        }
        var outcomes = new List<(byte[]? Plain, Exception? Error)>
        {
            await OutcomeAsync(() => ToPipeAsync(new MemoryStream(cipher), key, binding, offset, length)),
            await OutcomeAsync(() => ToPipeAsync(InMemory(cipher), key, binding, offset, length)),
            await OutcomeAsync(() => ToStreamAsync(InMemory(cipher), key, binding, offset, length)),
        };
        var (plain, error) = outcomes[0];
        foreach (var other in outcomes.Skip(1))
        {
            Assert.Equal(error?.GetType(), other.Error?.GetType());
            Assert.Equal(plain, other.Plain);
        }
        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }
        return plain!;
    }

    private static MemoryStream InMemory(byte[] bytes) => new(bytes, 0, bytes.Length, writable: false, publiclyVisible: true);

    private static async Task<(byte[]? Plain, Exception? Error)> OutcomeAsync(Func<Task<byte[]>> decrypt)
    {
        try
        {
            return (await decrypt(), null);
        }
        catch (Exception e)
        {
            return (null, e);
        }
    }

    private static async Task<byte[]> ToPipeAsync(MemoryStream cipher, SecretBytes key, EnvelopeBinding binding, long offset, long length)
    {
        var pipe = new Pipe();
        using var output = new MemoryStream();
        var copy = pipe.Reader.CopyToAsync(output);
        try
        {
            await EnvelopeReader.DecryptRangeAsync(cipher, key, binding, offset, length, pipe.Writer);
        }
        finally
        {
            await pipe.Writer.CompleteAsync();
            await copy;
        }
        return output.ToArray();
    }

    private static async Task<byte[]> ToStreamAsync(MemoryStream cipher, SecretBytes key, EnvelopeBinding binding, long offset, long length)
    {
        using var output = new MemoryStream();
        await EnvelopeReader.DecryptRangeAsync(cipher, key, binding, offset, length, output);
        return output.ToArray();
    }
}

/// <summary>Returns at most one byte per read, to shake out parsers that assume full reads.</summary>
internal sealed class OneByteStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => inner.Position = value; }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 1));
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer[..Math.Min(buffer.Length, 1)], cancellationToken);
    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
