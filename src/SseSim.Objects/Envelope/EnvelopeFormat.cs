namespace SseSim.Objects.Envelope;

/// <summary>Constants of envelope format v1 (docs/formats/object-envelope.md).</summary>
public static class EnvelopeFormat
{
    // docs/formats/object-envelope.md#header
    public const int HeaderLength = 52;
    public const byte Version = 0x01;
    public const byte AlgorithmAes256GcmHkdfSha256 = 0x01;
    public const int SaltLength = 32;
    public const int NoncePrefixLength = 7;
    public const int TagLength = 16;
    public const int NonceLength = 12;
    public const int KeyLength = 32;
    public const int DefaultSegmentSize = 64 * 1024;
    public const int MinSegmentSize = 16;
    public const int MaxSegmentSize = 16 * 1024 * 1024;

    // docs/formats/object-envelope.md#lengths: the segment index is a u32.
    public const long MaxSegmentCount = uint.MaxValue;

    internal const int MagicOffset = 0;
    internal const int VersionOffset = 4;
    internal const int AlgorithmOffset = 5;
    internal const int ReservedOffset = 6;
    internal const int SegmentSizeOffset = 8;
    internal const int SaltOffset = 12;
    internal const int NoncePrefixOffset = 44;
    internal const int TrailingReservedOffset = 51;

    internal static ReadOnlySpan<byte> Magic => "SSEO"u8;
}
