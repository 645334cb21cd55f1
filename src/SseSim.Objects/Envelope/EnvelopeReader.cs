using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using SseSim.Core.Secrets;

namespace SseSim.Objects.Envelope;

/// <summary>Verifies and decrypts (ranges of) envelopes (docs/formats/object-envelope.md#range-reads, #verify-before-release).</summary>
public static class EnvelopeReader
{
    /// <summary>
    /// Upper bound of one read-ahead chunk (whole segments; at least one): two default segments. Larger chunks fell out
    /// of cache before they were decrypted and ran slower in memory (A/B at 64 KiB segments: 2 per chunk beat 1 and 7).
    /// </summary>
    private const int ReadAheadBytes = 160 * 1024;

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
        Decrypt(ciphertext, dataKey, binding, offset, length, output, null, expectedPlaintextLength, cancellationToken);

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
        Decrypt(ciphertext, dataKey, binding, offset, length, null, output, expectedPlaintextLength, cancellationToken);

    // An envelope already in memory (an inline body) is decrypted where it lies, with no copy into read buffers.
    private static Task<long> Decrypt(Stream ciphertext, SecretBytes dataKey, EnvelopeBinding binding, long offset, long length,
        PipeWriter? pipe, Stream? stream, long? expectedPlaintextLength, CancellationToken cancellationToken) =>
        ciphertext is MemoryStream memory && memory.TryGetBuffer(out var buffer)
            ? DecryptFromMemoryAsync(buffer, dataKey, binding, offset, length, pipe, stream, expectedPlaintextLength, cancellationToken)
            : DecryptCoreAsync(ciphertext, dataKey, binding, offset, length, pipe, stream, expectedPlaintextLength, cancellationToken);

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
        if (!SegmentLayout.TryGetPlaintextLength(ciphertext.Length, header.SegmentSize, header.SegmentOverhead, out var plain))
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
        var segmentSize = header.SegmentSize;
        var overhead = header.SegmentOverhead;
        var range = MapRange(plainLength, expectedPlaintextLength, offset, length, segmentSize, overhead);
        if (range.SegmentCount == 0)
        {
            return 0;
        }
        var segmentCount = SegmentLayout.SegmentCount(plainLength, segmentSize);
        using var cipher = SegmentCipher.Create(dataKey, binding, header);
        var nonce = new byte[EnvelopeFormat.NonceLength];
        // Read-ahead: whole segments are read in chunks of up to ReadAheadBytes, the next chunk while this one is
        // decrypted, so a file read overlaps the crypto. Two chunk buffers bound the memory; a range that fits one
        // chunk rents only one.
        var stride = segmentSize + overhead;
        var perChunk = (int)Math.Min(range.SegmentCount, Math.Max(1, ReadAheadBytes / stride));
        var chunkBytes = perChunk * stride;
        var current = ArrayPool<byte>.Shared.Rent(chunkBytes);
        var next = range.SegmentCount > perChunk ? ArrayPool<byte>.Shared.Rent(chunkBytes) : null;
        var plaintextInBuffers = false;
        var pending = ValueTask.CompletedTask;
        var pendingAwaited = true;
        try
        {
            ciphertext.Position = range.CiphertextOffset;
            var end = range.FirstSegment + range.SegmentCount;
            var chunkFirst = range.FirstSegment;
            var chunkLength = ChunkLength(plainLength, segmentSize, overhead, chunkFirst, perChunk, end);
            await ReadExactlyAsync(ciphertext, current.AsMemory(0, chunkLength), cancellationToken).ConfigureAwait(false);
            var skip = range.SkipInFirstSegment;
            var remaining = range.PlaintextLength;
            long written = 0;
            while (true)
            {
                var chunkEnd = Math.Min(chunkFirst + perChunk, end);
                if (chunkEnd < end)
                {
                    pending = ReadExactlyAsync(ciphertext, next!.AsMemory(0, ChunkLength(plainLength, segmentSize, overhead, chunkEnd, perChunk, end)), cancellationToken);
                    pendingAwaited = false;
                }
                var at = 0;
                for (var i = chunkFirst; i < chunkEnd; i++)
                {
                    var stored = SegmentLayout.SegmentStoredLength(plainLength, i, segmentSize, overhead);
                    var sealedSegment = current.AsSpan(at, stored);
                    at += stored;
                    var plainSize = stored - overhead;
                    var take = (int)Math.Min(plainSize - skip, remaining);
                    var last = i == segmentCount - 1;
                    if (pipe is not null && skip == 0 && take == plainSize && take > 0)
                    {
                        // A whole segment goes straight into the writer's memory; Advance (which hands it on)
                        // happens only after its tag verified (docs/formats/object-envelope.md#verify-before-release).
                        Open(cipher, header, nonce, i, last, sealedSegment, pipe.GetSpan(cipher.OpenCapacity(take)));
                        pipe.Advance(take);
                    }
                    else
                    {
                        plaintextInBuffers = true;
                        Open(cipher, header, nonce, i, last, sealedSegment, sealedSegment);
                        if (pipe is not null)
                        {
                            pipe.Write(sealedSegment.Slice(skip, take));
                        }
                        else
                        {
                            await stream!.WriteAsync(current.AsMemory(at - stored + skip, take), cancellationToken).ConfigureAwait(false);
                        }
                    }
                    written += take;
                    remaining -= take;
                    skip = 0;
                }
                if (pipe is not null)
                {
                    // One flush per chunk: back-pressure, and at most one chunk of plaintext unflushed.
                    var flush = await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
                    if (flush.IsCompleted || flush.IsCanceled)
                    {
                        return written;
                    }
                }
                if (chunkEnd == end)
                {
                    return written;
                }
                pendingAwaited = true;
                await pending.ConfigureAwait(false);
                (current, next) = (next!, current);
                chunkFirst = chunkEnd;
            }
        }
        finally
        {
            if (!pendingAwaited)
            {
                // A read into a pooled buffer may still be running: it must finish before the buffer goes back.
                try
                {
                    await pending.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // The failure that brought us here is the one to report.
                }
            }
            // Only the bytes a chunk can cover may hold plaintext; the pool rounds arrays up to a power of two.
            if (plaintextInBuffers)
            {
                CryptographicOperations.ZeroMemory(current.AsSpan(0, chunkBytes));
            }
            ArrayPool<byte>.Shared.Return(current);
            if (next is not null)
            {
                if (plaintextInBuffers)
                {
                    CryptographicOperations.ZeroMemory(next.AsSpan(0, chunkBytes));
                }
                ArrayPool<byte>.Shared.Return(next);
            }
        }
    }

    /// <summary>
    /// <see cref="DecryptCoreAsync"/> for an envelope in memory: whole segments decrypt from it straight into the
    /// writer's memory; a partial segment (a range's ends) or a Stream output goes through one pooled segment buffer,
    /// zeroed afterwards. Flushes after every <see cref="ReadAheadBytes"/> of segments, as the chunked path does.
    /// </summary>
    private static async Task<long> DecryptFromMemoryAsync(
        ArraySegment<byte> envelope,
        SecretBytes dataKey,
        EnvelopeBinding binding,
        long offset,
        long length,
        PipeWriter? pipe,
        Stream? stream,
        long? expectedPlaintextLength,
        CancellationToken cancellationToken)
    {
        if (envelope.Count < EnvelopeFormat.HeaderLength)
        {
            throw new EnvelopeException(EnvelopeErrorKind.Truncated, "envelope ended early");
        }
        var header = EnvelopeHeader.Parse(envelope.AsSpan(0, EnvelopeFormat.HeaderLength));
        var overhead = header.SegmentOverhead;
        if (!SegmentLayout.TryGetPlaintextLength(envelope.Count, header.SegmentSize, overhead, out var plainLength))
        {
            throw new EnvelopeException(EnvelopeErrorKind.LengthMismatch, $"{envelope.Count} bytes is not a valid envelope length");
        }
        var segmentSize = header.SegmentSize;
        var range = MapRange(plainLength, expectedPlaintextLength, offset, length, segmentSize, overhead);
        if (range.SegmentCount == 0)
        {
            return 0;
        }
        var segmentCount = SegmentLayout.SegmentCount(plainLength, segmentSize);
        using var cipher = SegmentCipher.Create(dataKey, binding, header);
        var nonce = new byte[EnvelopeFormat.NonceLength];
        byte[]? scratch = null;
        // The stored envelope is never decrypted in place (it may be shared): the outer layer opens into the destination.
        var scratchLength = cipher.OpenCapacity(segmentSize);
        try
        {
            var at = (int)range.CiphertextOffset;
            var skip = range.SkipInFirstSegment;
            var remaining = range.PlaintextLength;
            long written = 0;
            var unflushed = 0;
            var end = range.FirstSegment + range.SegmentCount;
            for (var i = range.FirstSegment; i < end; i++)
            {
                var stored = SegmentLayout.SegmentStoredLength(plainLength, i, segmentSize, overhead);
                var sealedSegment = envelope.Slice(at, stored);
                at += stored;
                var plainSize = stored - overhead;
                var take = (int)Math.Min(plainSize - skip, remaining);
                var last = i == segmentCount - 1;
                if (pipe is not null && skip == 0 && take == plainSize && take > 0)
                {
                    // Advance only after the tag verified (docs/formats/object-envelope.md#verify-before-release).
                    Open(cipher, header, nonce, i, last, sealedSegment, pipe.GetSpan(cipher.OpenCapacity(take)));
                    pipe.Advance(take);
                }
                else
                {
                    scratch ??= ArrayPool<byte>.Shared.Rent(scratchLength);
                    Open(cipher, header, nonce, i, last, sealedSegment, scratch);
                    if (pipe is not null)
                    {
                        pipe.Write(scratch.AsSpan(skip, take));
                    }
                    else
                    {
                        await stream!.WriteAsync(scratch.AsMemory(skip, take), cancellationToken).ConfigureAwait(false);
                    }
                }
                written += take;
                remaining -= take;
                skip = 0;
                unflushed += stored;
                if (pipe is not null && (unflushed >= ReadAheadBytes || i == end - 1))
                {
                    unflushed = 0;
                    var flush = await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
                    if (flush.IsCompleted || flush.IsCanceled)
                    {
                        return written;
                    }
                }
            }
            return written;
        }
        finally
        {
            if (scratch is not null)
            {
                CryptographicOperations.ZeroMemory(scratch.AsSpan(0, scratchLength));
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }

    /// <summary>The segments a plaintext range needs, once the stored length agrees with the object's size.</summary>
    private static SegmentRange MapRange(long plainLength, long? expectedPlaintextLength, long offset, long length, int segmentSize, int overhead)
    {
        if (expectedPlaintextLength.HasValue && expectedPlaintextLength.Value != plainLength)
        {
            throw new EnvelopeException(EnvelopeErrorKind.LengthMismatch, "stored envelope length disagrees with the object's size");
        }
        return SegmentLayout.MapRange(plainLength, offset, length, segmentSize, overhead);
    }

    /// <summary>Bytes of the chunk of up to <paramref name="perChunk"/> segments starting at <paramref name="first"/>, not past <paramref name="end"/>.</summary>
    private static int ChunkLength(long plainLength, int segmentSize, int overhead, long first, int perChunk, long end)
    {
        var last = Math.Min(first + perChunk, end) - 1;
        return (int)(SegmentLayout.SegmentCiphertextOffset(last, segmentSize, overhead) + SegmentLayout.SegmentStoredLength(plainLength, last, segmentSize, overhead)
            - SegmentLayout.SegmentCiphertextOffset(first, segmentSize, overhead));
    }

    /// <summary>Verifies and decrypts one stored segment into <paramref name="plain"/>, which may be the segment itself (in place).</summary>
    private static void Open(SegmentCipher cipher, EnvelopeHeader header, byte[] nonce, long index, bool last, ReadOnlySpan<byte> stored, Span<byte> plain)
    {
        header.WriteNonce(nonce, index, last);
        cipher.Open(nonce, index, stored, plain);
    }

    /// <summary>
    /// Called once per chunk: not an async method itself, so a read that completes synchronously allocates no state
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
