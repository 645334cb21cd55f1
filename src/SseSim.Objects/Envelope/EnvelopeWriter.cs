using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
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

    /// <summary>Fixed header for golden-vector tests; production leaves it null so salt and prefix are random.</summary>
    internal EnvelopeHeader? Header { get; init; }
}

public readonly record struct EnvelopeWriteResult(long PlaintextLength, long CiphertextLength);

/// <summary>Streams plaintext into an envelope (docs/formats/object-envelope.md).</summary>
public static class EnvelopeWriter
{
    /// <summary>
    /// Encrypts everything <paramref name="plaintext"/> yields into <paramref name="ciphertext"/>. Completes
    /// <paramref name="plaintext"/> (with the failure, if any); flushes but does not dispose <paramref name="ciphertext"/>.
    /// </summary>
    public static async Task<EnvelopeWriteResult> EncryptAsync(
        PipeReader plaintext,
        Stream ciphertext,
        SecretBytes dataKey,
        EnvelopeBinding binding,
        EnvelopeWriteOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new EnvelopeWriteOptions();
        var segmentSize = options.SegmentSize;
        Exception? failure = null;
        byte[]? plainBuffer = null;
        byte[]? cipherBuffer = null;
        try
        {
            SegmentLayout.ValidateSegmentSize(segmentSize);
            var header = options.Header ?? EnvelopeHeader.CreateRandom(segmentSize);
            if (header.SegmentSize != segmentSize)
            {
                throw new ArgumentException("header segment size differs from options", nameof(options));
            }
            using var aes = CreateCipher(dataKey, binding, header);
            var nonce = new byte[EnvelopeFormat.NonceLength];
            plainBuffer = ArrayPool<byte>.Shared.Rent(segmentSize);
            cipherBuffer = ArrayPool<byte>.Shared.Rent(segmentSize + EnvelopeFormat.TagLength);

            var headerBytes = header.Bytes.ToArray();
            options.CiphertextObserver?.Invoke(headerBytes);
            await ciphertext.WriteAsync(headerBytes, cancellationToken).ConfigureAwait(false);
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
                            var stored = Seal(aes, header, nonce, index++, last: false, plainBuffer, filled, cipherBuffer);
                            options.CiphertextObserver?.Invoke(cipherBuffer.AsSpan(0, stored));
                            await ciphertext.WriteAsync(cipherBuffer.AsMemory(0, stored), cancellationToken).ConfigureAwait(false);
                            written += stored;
                            filled = 0;
                        }
                        var take = (int)Math.Min(segmentSize - filled, buffer.Length);
                        buffer.Slice(0, take).CopyTo(plainBuffer.AsSpan(filled));
                        options.PlaintextObserver?.Invoke(plainBuffer.AsSpan(filled, take));
                        filled += take;
                        total += take;
                        buffer = buffer.Slice(take);
                    }
                }
                finally
                {
                    // Everything was copied out, so the whole buffer is consumed; no slice outlives this call.
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
            var lastStored = Seal(aes, header, nonce, index, last: true, plainBuffer, filled, cipherBuffer);
            options.CiphertextObserver?.Invoke(cipherBuffer.AsSpan(0, lastStored));
            await ciphertext.WriteAsync(cipherBuffer.AsMemory(0, lastStored), cancellationToken).ConfigureAwait(false);
            written += lastStored;
            await ciphertext.FlushAsync(cancellationToken).ConfigureAwait(false);
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
            if (plainBuffer is not null)
            {
                ArrayPool<byte>.Shared.Return(plainBuffer, clearArray: true);
            }
            if (cipherBuffer is not null)
            {
                ArrayPool<byte>.Shared.Return(cipherBuffer, clearArray: true);
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

    internal static AesGcm CreateCipher(SecretBytes dataKey, EnvelopeBinding binding, EnvelopeHeader header)
    {
        using var contentKey = new SecretBytes(EnvelopeFormat.KeyLength);
        binding.DeriveContentKey(dataKey, header.Salt, contentKey.UnsafeExposeWritable());
        return new AesGcm(contentKey.UnsafeExpose(), EnvelopeFormat.TagLength);
    }

    private static int Seal(AesGcm aes, EnvelopeHeader header, byte[] nonce, long index, bool last, byte[] plain, int length, byte[] cipher)
    {
        header.WriteNonce(nonce, index, last);
        aes.Encrypt(nonce, plain.AsSpan(0, length), cipher.AsSpan(0, length), cipher.AsSpan(length, EnvelopeFormat.TagLength), header.Bytes);
        return length + EnvelopeFormat.TagLength;
    }
}
