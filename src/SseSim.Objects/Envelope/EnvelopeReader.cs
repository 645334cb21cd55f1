using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using SseSim.Core.Secrets;

namespace SseSim.Objects.Envelope;

/// <summary>Verifies and decrypts (ranges of) envelopes (docs/formats/object-envelope.md#range-reads, #verify-before-release).</summary>
public static class EnvelopeReader
{
    /// <summary>
    /// Writes plaintext [offset, offset+length) to <paramref name="output"/>, each segment only after its tag verified.
    /// <paramref name="ciphertext"/> must be seekable (its Length is the stored envelope length). The writer is flushed
    /// after each segment and never completed. Returns the number of bytes written, which is less than
    /// <paramref name="length"/> only when the output's reader stopped early.
    /// </summary>
    public static Task<long> DecryptRangeAsync(
        Stream ciphertext,
        SecretBytes dataKey,
        EnvelopeBinding binding,
        long offset,
        long length,
        PipeWriter output,
        long? expectedPlaintextLength = null,
        CancellationToken cancellationToken = default) =>
        DecryptCoreAsync(ciphertext, dataKey, binding, offset, length, output, null, expectedPlaintextLength, cancellationToken);

    /// <summary>Same as the <see cref="PipeWriter"/> overload, writing to a <see cref="Stream"/>.</summary>
    public static Task<long> DecryptRangeAsync(
        Stream ciphertext,
        SecretBytes dataKey,
        EnvelopeBinding binding,
        long offset,
        long length,
        Stream output,
        long? expectedPlaintextLength = null,
        CancellationToken cancellationToken = default) =>
        DecryptCoreAsync(ciphertext, dataKey, binding, offset, length, null, output, expectedPlaintextLength, cancellationToken);

    /// <summary>Reads the header and checks the stored length; returns the plaintext length.</summary>
    public static async Task<(EnvelopeHeader Header, long PlaintextLength)> ReadHeaderAsync(Stream ciphertext, CancellationToken cancellationToken = default)
    {
        if (!ciphertext.CanSeek)
        {
            throw new ArgumentException("ciphertext stream must be seekable", nameof(ciphertext));
        }
        var bytes = new byte[EnvelopeFormat.HeaderLength];
        ciphertext.Position = 0;
        await ReadExactlyAsync(ciphertext, bytes, cancellationToken).ConfigureAwait(false);
        var header = EnvelopeHeader.Parse(bytes);
        if (!SegmentLayout.TryGetPlaintextLength(ciphertext.Length, header.SegmentSize, out var plain))
        {
            throw new EnvelopeException(EnvelopeErrorKind.LengthMismatch, $"{ciphertext.Length} bytes is not a valid envelope length");
        }
        return (header, plain);
    }

    private static async Task<long> DecryptCoreAsync(
        Stream ciphertext,
        SecretBytes dataKey,
        EnvelopeBinding binding,
        long offset,
        long length,
        PipeWriter? pipe,
        Stream? stream,
        long? expectedPlaintextLength,
        CancellationToken cancellationToken)
    {
        var (header, plainLength) = await ReadHeaderAsync(ciphertext, cancellationToken).ConfigureAwait(false);
        if (expectedPlaintextLength.HasValue && expectedPlaintextLength.Value != plainLength)
        {
            throw new EnvelopeException(EnvelopeErrorKind.LengthMismatch, "stored envelope length disagrees with the object's size");
        }
        var segmentSize = header.SegmentSize;
        var range = SegmentLayout.MapRange(plainLength, offset, length, segmentSize);
        if (range.SegmentCount == 0)
        {
            return 0;
        }
        var segmentCount = SegmentLayout.SegmentCount(plainLength, segmentSize);
        using var aes = EnvelopeWriter.CreateCipher(dataKey, binding, header);
        var nonce = new byte[EnvelopeFormat.NonceLength];
        var cipherBuffer = ArrayPool<byte>.Shared.Rent(segmentSize + EnvelopeFormat.TagLength);
        var plainBuffer = ArrayPool<byte>.Shared.Rent(segmentSize);
        try
        {
            ciphertext.Position = range.CiphertextOffset;
            var skip = range.SkipInFirstSegment;
            var remaining = range.PlaintextLength;
            long written = 0;
            for (var i = range.FirstSegment; i < range.FirstSegment + range.SegmentCount; i++)
            {
                var stored = SegmentLayout.SegmentStoredLength(plainLength, i, segmentSize);
                await ReadExactlyAsync(ciphertext, cipherBuffer.AsMemory(0, stored), cancellationToken).ConfigureAwait(false);
                var plain = Open(aes, header, nonce, i, i == segmentCount - 1, cipherBuffer, stored, plainBuffer);
                var take = (int)Math.Min(plain - skip, remaining);
                if (pipe is not null)
                {
                    pipe.Write(plainBuffer.AsSpan(skip, take));
                    var flush = await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
                    written += take;
                    if (flush.IsCompleted || flush.IsCanceled)
                    {
                        return written;
                    }
                }
                else
                {
                    await stream!.WriteAsync(plainBuffer.AsMemory(skip, take), cancellationToken).ConfigureAwait(false);
                    written += take;
                }
                remaining -= take;
                skip = 0;
            }
            return written;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(cipherBuffer);
            ArrayPool<byte>.Shared.Return(plainBuffer, clearArray: true);
        }
    }

    private static int Open(AesGcm aes, EnvelopeHeader header, byte[] nonce, long index, bool last, byte[] cipher, int stored, byte[] plain)
    {
        var length = stored - EnvelopeFormat.TagLength;
        header.WriteNonce(nonce, index, last);
        try
        {
            aes.Decrypt(nonce, cipher.AsSpan(0, length), cipher.AsSpan(length, EnvelopeFormat.TagLength), plain.AsSpan(0, length), header.Bytes);
        }
        catch (AuthenticationTagMismatchException)
        {
            // AesGcm zeroes the destination on failure; still, nothing from this segment is released.
            throw new EnvelopeException(EnvelopeErrorKind.AuthenticationFailed, $"segment {index} failed authentication");
        }
        return length;
    }

    /// <summary>
    /// Called once per segment: not an async method itself, so a read that completes synchronously allocates no state
    /// machine in any build configuration (the steady-state per-segment allocation budget is 0 bytes).
    /// </summary>
    private static ValueTask ReadExactlyAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = stream.ReadExactlyAsync(buffer, cancellationToken);
        if (read.IsCompletedSuccessfully)
        {
            read.GetAwaiter().GetResult();
            return ValueTask.CompletedTask;
        }
        return AwaitReadAsync(read);

        static async ValueTask AwaitReadAsync(ValueTask read)
        {
            try
            {
                await read.ConfigureAwait(false);
            }
            catch (EndOfStreamException)
            {
                throw new EnvelopeException(EnvelopeErrorKind.Truncated, "envelope ended early");
            }
        }
    }
}
