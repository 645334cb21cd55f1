using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SseSim.Objects.Envelope;

/// <summary>The parsed 52-byte envelope header (docs/formats/object-envelope.md#header).</summary>
public sealed class EnvelopeHeader
{
    private readonly byte[] _bytes;

    private EnvelopeHeader(byte[] bytes, int segmentSize)
    {
        _bytes = bytes;
        SegmentSize = segmentSize;
    }

    public int SegmentSize { get; }

    /// <summary><see cref="EnvelopeFormat.AlgorithmAes256GcmHkdfSha256"/> or <see cref="EnvelopeFormat.AlgorithmDualLayer"/>.</summary>
    public byte Algorithm => _bytes[EnvelopeFormat.AlgorithmOffset];

    /// <summary>Stored bytes per segment beyond its plaintext (16, or 32 for two layers).</summary>
    public int SegmentOverhead => EnvelopeFormat.SegmentOverhead(Algorithm);

    /// <summary>The encoded header; also the AAD of every segment (docs/formats/object-envelope.md#aad).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    public ReadOnlySpan<byte> Salt => _bytes.AsSpan(EnvelopeFormat.SaltOffset, EnvelopeFormat.SaltLength);

    public ReadOnlySpan<byte> NoncePrefix => _bytes.AsSpan(EnvelopeFormat.NoncePrefixOffset, EnvelopeFormat.NoncePrefixLength);

    public static EnvelopeHeader CreateRandom(int segmentSize, byte algorithm = EnvelopeFormat.AlgorithmAes256GcmHkdfSha256)
    {
        Span<byte> salt = stackalloc byte[EnvelopeFormat.SaltLength];
        Span<byte> prefix = stackalloc byte[EnvelopeFormat.NoncePrefixLength];
        RandomNumberGenerator.Fill(salt);
        RandomNumberGenerator.Fill(prefix);
        return Create(segmentSize, salt, prefix, algorithm);
    }

    /// <summary>Builds a header from explicit values; production code uses <see cref="CreateRandom"/>, tests pin vectors with this.</summary>
    public static EnvelopeHeader Create(int segmentSize, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> noncePrefix, byte algorithm = EnvelopeFormat.AlgorithmAes256GcmHkdfSha256)
    {
        SegmentLayout.ValidateSegmentSize(segmentSize);
        if (algorithm is not (EnvelopeFormat.AlgorithmAes256GcmHkdfSha256 or EnvelopeFormat.AlgorithmDualLayer))
        {
            throw new ArgumentOutOfRangeException(nameof(algorithm));
        }
        if (salt.Length != EnvelopeFormat.SaltLength || noncePrefix.Length != EnvelopeFormat.NoncePrefixLength)
        {
            throw new ArgumentException("salt must be 32 bytes and nonce prefix 7 bytes");
        }
        var bytes = new byte[EnvelopeFormat.HeaderLength];
        EnvelopeFormat.Magic.CopyTo(bytes);
        bytes[EnvelopeFormat.VersionOffset] = EnvelopeFormat.Version;
        bytes[EnvelopeFormat.AlgorithmOffset] = algorithm;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(EnvelopeFormat.SegmentSizeOffset), (uint)segmentSize);
        salt.CopyTo(bytes.AsSpan(EnvelopeFormat.SaltOffset));
        noncePrefix.CopyTo(bytes.AsSpan(EnvelopeFormat.NoncePrefixOffset));
        return new EnvelopeHeader(bytes, segmentSize);
    }

    public static EnvelopeHeader Parse(ReadOnlySpan<byte> header)
    {
        if (header.Length < EnvelopeFormat.HeaderLength)
        {
            throw new EnvelopeException(EnvelopeErrorKind.Malformed, "envelope header is shorter than 52 bytes");
        }
        header = header[..EnvelopeFormat.HeaderLength];
        if (!header[..4].SequenceEqual(EnvelopeFormat.Magic))
        {
            throw new EnvelopeException(EnvelopeErrorKind.Malformed, "bad envelope magic");
        }
        if (header[EnvelopeFormat.VersionOffset] != EnvelopeFormat.Version)
        {
            throw new EnvelopeException(EnvelopeErrorKind.Malformed, $"unknown envelope version {header[EnvelopeFormat.VersionOffset]}");
        }
        if (header[EnvelopeFormat.AlgorithmOffset] is not (EnvelopeFormat.AlgorithmAes256GcmHkdfSha256 or EnvelopeFormat.AlgorithmDualLayer))
        {
            throw new EnvelopeException(EnvelopeErrorKind.Malformed, $"unknown envelope algorithm {header[EnvelopeFormat.AlgorithmOffset]}");
        }
        if (header[EnvelopeFormat.ReservedOffset] != 0 || header[EnvelopeFormat.ReservedOffset + 1] != 0 || header[EnvelopeFormat.TrailingReservedOffset] != 0)
        {
            throw new EnvelopeException(EnvelopeErrorKind.Malformed, "reserved envelope header bytes are not zero");
        }
        var segmentSize = BinaryPrimitives.ReadUInt32BigEndian(header[EnvelopeFormat.SegmentSizeOffset..]);
        if (segmentSize is < EnvelopeFormat.MinSegmentSize or > EnvelopeFormat.MaxSegmentSize)
        {
            throw new EnvelopeException(EnvelopeErrorKind.Malformed, $"segment size {segmentSize} out of range");
        }
        return new EnvelopeHeader(header.ToArray(), (int)segmentSize);
    }

    // docs/formats/object-envelope.md#nonce
    internal void WriteNonce(Span<byte> nonce, long segmentIndex, bool last)
    {
        NoncePrefix.CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[EnvelopeFormat.NoncePrefixLength..], checked((uint)segmentIndex));
        nonce[EnvelopeFormat.NonceLength - 1] = last ? (byte)1 : (byte)0;
    }
}
