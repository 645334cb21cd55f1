using System.Security.Cryptography;
using SseSim.Core.Secrets;

namespace SseSim.Objects.Envelope;

/// <summary>
/// Seals and opens the segments of one envelope: one AES-256-GCM layer (algorithm 0x01), or two independent layers
/// (0x02, docs/formats/object-envelope.md#dual-layer-dsse-kms), the outer sealing the inner ciphertext and tag.
/// </summary>
internal sealed class SegmentCipher : IDisposable
{
    private readonly AesGcm _inner;
    private readonly AesGcm? _outer;
    private readonly EnvelopeHeader _header;

    private SegmentCipher(AesGcm inner, AesGcm? outer, EnvelopeHeader header)
    {
        _inner = inner;
        _outer = outer;
        _header = header;
    }

    /// <summary>Stored bytes per segment beyond its plaintext.</summary>
    public int Overhead => _header.SegmentOverhead;

    /// <summary>
    /// Derives the layer keys for <paramref name="header"/>'s algorithm. A key whose length does not fit that algorithm
    /// (an SSE-KMS record over a dual-layer envelope or the reverse) is treated as failed authentication.
    /// </summary>
    public static SegmentCipher Create(SecretBytes dataKey, EnvelopeBinding binding, EnvelopeHeader header)
    {
        var algorithm = header.Algorithm;
        if (dataKey.Length != EnvelopeFormat.KeyLengthFor(algorithm))
        {
            throw new EnvelopeException(EnvelopeErrorKind.AuthenticationFailed, "the envelope's layers do not match the object's encryption");
        }
        var key = dataKey.UnsafeExpose();
        var inner = Layer(key[..EnvelopeFormat.KeyLength], outer: false);
        try
        {
            var outer = algorithm == EnvelopeFormat.AlgorithmDualLayer ? Layer(key[EnvelopeFormat.KeyLength..], outer: true) : null;
            return new SegmentCipher(inner, outer, header);
        }
        catch
        {
            inner.Dispose();
            throw;
        }

        AesGcm Layer(ReadOnlySpan<byte> layerKey, bool outer)
        {
            using var contentKey = new SecretBytes(EnvelopeFormat.KeyLength);
            binding.DeriveLayerKey(layerKey, algorithm, outer, header.Salt, contentKey.UnsafeExposeWritable());
            return new AesGcm(contentKey.UnsafeExpose(), EnvelopeFormat.TagLength);
        }
    }

    /// <summary>
    /// Seals <paramref name="plain"/> into <paramref name="output"/> (plaintext length + <see cref="Overhead"/> bytes),
    /// which may start at <paramref name="plain"/> (in place).
    /// </summary>
    public void Seal(byte[] nonce, ReadOnlySpan<byte> plain, Span<byte> output)
    {
        var length = plain.Length;
        var aad = _header.Bytes;
        _inner.Encrypt(nonce, plain, output[..length], output.Slice(length, EnvelopeFormat.TagLength), aad);
        if (_outer is not null)
        {
            // docs/formats/object-envelope.md#dual-layer-dsse-kms: the outer layer seals inner ciphertext ‖ inner tag, in place.
            var middle = output[..(length + EnvelopeFormat.TagLength)];
            _outer.Encrypt(nonce, middle, middle, output.Slice(middle.Length, EnvelopeFormat.TagLength), aad);
        }
    }

    /// <summary>The destination size <see cref="Open"/> needs for <paramref name="plaintextLength"/> bytes: the outer layer opens into it before the inner.</summary>
    public int OpenCapacity(int plaintextLength) => _outer is null ? plaintextLength : plaintextLength + EnvelopeFormat.TagLength;

    /// <summary>
    /// Verifies and decrypts one stored segment into <paramref name="plain"/> (at least <see cref="OpenCapacity"/> bytes;
    /// may be the segment itself). Only the first plaintext-length bytes are plaintext, and only once this returned.
    /// </summary>
    public void Open(byte[] nonce, long index, ReadOnlySpan<byte> stored, Span<byte> plain)
    {
        var aad = _header.Bytes;
        var length = stored.Length - Overhead;
        try
        {
            if (_outer is null)
            {
                _inner.Decrypt(nonce, stored[..length], stored.Slice(length, EnvelopeFormat.TagLength), plain[..length], aad);
                return;
            }
            var middle = length + EnvelopeFormat.TagLength;
            _outer.Decrypt(nonce, stored[..middle], stored.Slice(middle, EnvelopeFormat.TagLength), plain[..middle], aad);
            _inner.Decrypt(nonce, plain[..length], plain.Slice(length, EnvelopeFormat.TagLength), plain[..length], aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            // AesGcm zeroes the destination on failure; still, nothing from this segment is released.
            throw new EnvelopeException(EnvelopeErrorKind.AuthenticationFailed, $"segment {index} failed authentication");
        }
    }

    public void Dispose()
    {
        _inner.Dispose();
        _outer?.Dispose();
    }
}
