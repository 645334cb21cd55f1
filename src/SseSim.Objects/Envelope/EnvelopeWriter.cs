using System.Buffers;
using System.IO.Pipelines;
using SseSim.Core.Secrets;

namespace SseSim.Objects.Envelope;

/// <summary>Sees every byte as it passes (hashing, size limits); may throw to abort the stream.</summary>
public delegate void SpanObserver(ReadOnlySpan<byte> data);

public sealed class EnvelopeWriteOptions
{
    public int SegmentSize { get; init; } = EnvelopeFormat.DefaultSegmentSize;

    /// <summary>Called with each chunk of plaintext in order, before it is sealed.</summary>
    public SpanObserver? PlaintextObserver { get; init; }

    /// <summary>Called with each chunk of ciphertext (header included) in order, before it is written.</summary>
    public SpanObserver? CiphertextObserver { get; init; }

    /// <summary>Fixed header for golden-vector tests (its algorithm must fit the key); production leaves it null so salt and prefix are random.</summary>
    internal EnvelopeHeader? Header { get; init; }
}

public readonly record struct EnvelopeWriteResult(long PlaintextLength, long CiphertextLength);

/// <summary>Streams plaintext into an envelope (docs/formats/object-envelope.md).</summary>
public static class EnvelopeWriter
{
    private const int FlushBytes = 256 * 1024;

    /// <summary>
    /// Encrypts everything <paramref name="plaintext"/> yields into <paramref name="ciphertext"/>. Completes
    /// <paramref name="plaintext"/> (with the failure, if any); flushes but does not dispose <paramref name="ciphertext"/>.
    /// </summary>
    public static Task<EnvelopeWriteResult> EncryptAsync(
        PipeReader plaintext,
        Stream ciphertext,
        SecretBytes dataKey,
        EnvelopeBinding binding,
        EnvelopeWriteOptions? options = null,
        CancellationToken cancellationToken = default) =>
        EncryptCoreAsync(plaintext, ciphertext, null, dataKey, binding, options, cancellationToken);

    /// <summary>
    /// Same, sealing each segment straight into <paramref name="ciphertext"/>'s memory (no copy). Flushes at least every
    /// 256 KiB and at the end but does not complete <paramref name="ciphertext"/>; throws if its reader stops early.
    /// </summary>
    public static Task<EnvelopeWriteResult> EncryptAsync(
        PipeReader plaintext,
        PipeWriter ciphertext,
        SecretBytes dataKey,
        EnvelopeBinding binding,
        EnvelopeWriteOptions? options = null,
        CancellationToken cancellationToken = default) =>
        EncryptCoreAsync(plaintext, null, ciphertext, dataKey, binding, options, cancellationToken);

    private static async Task<EnvelopeWriteResult> EncryptCoreAsync(
        PipeReader plaintext,
        Stream? stream,
        PipeWriter? pipe,
        SecretBytes dataKey,
        EnvelopeBinding binding,
        EnvelopeWriteOptions? options,
        CancellationToken cancellationToken)
    {
        options ??= new EnvelopeWriteOptions();
        var segmentSize = options.SegmentSize;
        Exception? failure = null;
        byte[]? segment = null;
        try
        {
            SegmentLayout.ValidateSegmentSize(segmentSize);
            // docs/formats/object-envelope.md#dual-layer-keys: a 64-byte key (two layer keys) writes algorithm 0x02.
            var algorithm = EnvelopeFormat.AlgorithmForKey(dataKey.Length);
            var header = options.Header ?? EnvelopeHeader.CreateRandom(segmentSize, algorithm);
            if (header.SegmentSize != segmentSize || header.Algorithm != algorithm)
            {
                throw new ArgumentException("header segment size or algorithm differs from options and key", nameof(options));
            }
            using var cipher = SegmentCipher.Create(dataKey, binding, header);
            var sealer = new Sealer(cipher, header, options.CiphertextObserver, pipe);
            // One buffer: a segment that arrives in pieces is gathered in it (and, for a Stream, sealed in place); a
            // whole segment that is contiguous in the pipe is sealed from there (no plaintext copy), and a PipeWriter
            // sink receives the ciphertext in its own memory (no ciphertext copy).
            segment = ArrayPool<byte>.Shared.Rent(segmentSize + cipher.Overhead);

            var headerBytes = header.Bytes.ToArray();
            options.CiphertextObserver?.Invoke(headerBytes);
            pipe?.Write(headerBytes);
            await WriteAsync(stream, pipe, headerBytes, cancellationToken).ConfigureAwait(false);
            long written = headerBytes.Length;
            long total = 0;
            long index = 0;
            var filled = 0;
            while (true)
            {
                var result = await plaintext.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    throw new OperationCanceledException("plaintext read was canceled");
                }
                var buffer = result.Buffer;
                try
                {
                    while (!buffer.IsEmpty)
                    {
                        // A full segment is sealed only once more data proves it is not the last one
                        // (docs/formats/object-envelope.md#nonce, last flag).
                        if (filled == segmentSize)
                        {
                            var stored = sealer.Seal(index++, last: false, segment.AsSpan(0, filled), segment);
                            await WriteAsync(stream, pipe, segment.AsMemory(0, stored), cancellationToken).ConfigureAwait(false);
                            written += stored;
                            filled = 0;
                        }
                        if (filled == 0 && buffer.Length > segmentSize && buffer.FirstSpan.Length >= segmentSize)
                        {
                            // A contiguous whole segment with more data behind it: sealed where it lies.
                            var plain = buffer.FirstSpan[..segmentSize];
                            options.PlaintextObserver?.Invoke(plain);
                            var stored = sealer.Seal(index++, last: false, plain, segment);
                            await WriteAsync(stream, pipe, segment.AsMemory(0, stored), cancellationToken).ConfigureAwait(false);
                            written += stored;
                            total += segmentSize;
                            buffer = buffer.Slice(segmentSize);
                            continue;
                        }
                        var take = (int)Math.Min(segmentSize - filled, buffer.Length);
                        buffer.Slice(0, take).CopyTo(segment.AsSpan(filled));
                        options.PlaintextObserver?.Invoke(segment.AsSpan(filled, take));
                        filled += take;
                        total += take;
                        buffer = buffer.Slice(take);
                    }
                }
                finally
                {
                    // Everything was sealed or copied out, so the whole buffer is consumed; no slice outlives this call.
                    plaintext.AdvanceTo(result.Buffer.End);
                }
                if (result.IsCompleted)
                {
                    break;
                }
            }
            if (index >= EnvelopeFormat.MaxSegmentCount)
            {
                throw new InvalidOperationException("plaintext exceeds the envelope's segment limit");
            }
            var lastStored = sealer.Seal(index, last: true, segment.AsSpan(0, filled), segment);
            await WriteAsync(stream, pipe, segment.AsMemory(0, lastStored), cancellationToken, final: true).ConfigureAwait(false);
            written += lastStored;
            if (stream is not null)
            {
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            return new EnvelopeWriteResult(total, written);
        }
        catch (Exception ex)
        {
            failure = ex;
            throw;
        }
        finally
        {
            await plaintext.CompleteAsync(failure).ConfigureAwait(false);
            if (segment is not null)
            {
                // It held plaintext before sealing (and after a failure possibly still does).
                ArrayPool<byte>.Shared.Return(segment, clearArray: true);
            }
        }
    }

    /// <summary>
    /// Hands one sealed segment on: a Stream gets <paramref name="sealedSegment"/> written; a PipeWriter already holds it
    /// (advanced by <see cref="Sealer.Seal"/>) and is flushed, or, when it can tell, once <see cref="FlushBytes"/> are
    /// pending (fewer wake-ups of its reader, the same bound). Not async itself, so a synchronous completion allocates
    /// nothing per segment.
    /// </summary>
    private static ValueTask WriteAsync(Stream? stream, PipeWriter? pipe, ReadOnlyMemory<byte> sealedSegment, CancellationToken cancellationToken, bool final = false)
    {
        if (stream is not null)
        {
            return stream.WriteAsync(sealedSegment, cancellationToken);
        }
        if (!final && pipe!.CanGetUnflushedBytes && pipe.UnflushedBytes < FlushBytes)
        {
            return ValueTask.CompletedTask;
        }
        var flush = pipe!.FlushAsync(cancellationToken);
        if (flush.IsCompletedSuccessfully)
        {
            CheckFlush(flush.Result);
            return ValueTask.CompletedTask;
        }
        return AwaitFlushAsync(flush);

        static async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flush) => CheckFlush(await flush.ConfigureAwait(false));

        static void CheckFlush(FlushResult result)
        {
            if (result.IsCanceled || result.IsCompleted)
            {
                throw new IOException("the ciphertext sink stopped before the envelope was complete");
            }
        }
    }

    /// <summary>Convenience overload for a plaintext <see cref="Stream"/>.</summary>
    public static Task<EnvelopeWriteResult> EncryptAsync(
        Stream plaintext,
        Stream ciphertext,
        SecretBytes dataKey,
        EnvelopeBinding binding,
        EnvelopeWriteOptions? options = null,
        CancellationToken cancellationToken = default) =>
        EncryptAsync(PipeReader.Create(plaintext, new StreamPipeReaderOptions(leaveOpen: true)), ciphertext, dataKey, binding, options, cancellationToken);

    /// <summary>Seals segments (ciphertext ‖ tag) into a PipeWriter's memory, or into a buffer (in place when the plaintext is its start).</summary>
    private readonly struct Sealer(SegmentCipher cipher, EnvelopeHeader header, SpanObserver? observer, PipeWriter? pipe)
    {
        private readonly byte[] _nonce = new byte[EnvelopeFormat.NonceLength];

        /// <summary>Returns the stored length; with a PipeWriter the segment is written and advanced, else it is in <paramref name="buffer"/>.</summary>
        public int Seal(long index, bool last, ReadOnlySpan<byte> plain, byte[] buffer)
        {
            header.WriteNonce(_nonce, index, last);
            var length = plain.Length;
            var stored = length + cipher.Overhead;
            var output = pipe is null ? buffer.AsSpan(0, stored) : pipe.GetSpan(stored)[..stored];
            cipher.Seal(_nonce, plain, output);
            observer?.Invoke(output);
            pipe?.Advance(stored);
            return stored;
        }
    }
}
