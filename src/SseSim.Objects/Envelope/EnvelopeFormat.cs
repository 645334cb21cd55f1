namespace SseSim.Objects.Envelope;

/// <summary>Constants of envelope format v1 (docs/formats/object-envelope.md).</summary>
public static class EnvelopeFormat
{
    // docs/formats/object-envelope.md#header
    public const int HeaderLength = 52;
    public const byte Version = 0x01;
    public const byte AlgorithmAes256GcmHkdfSha256 = 0x01;

    // docs/formats/object-envelope.md#dual-layer-dsse-kms: two independent AES-256-GCM layers per segment.
    public const byte AlgorithmDualLayer = 0x02;

    /// <summary>The in-memory key of a dual-layer envelope: inner-layer data key ‖ outer-layer data key.</summary>
    public const int DualLayerKeyLength = 2 * KeyLength;
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

    /// <summary>The algorithm a data key of this length writes (docs/formats/object-envelope.md#dual-layer-keys).</summary>
    public static byte AlgorithmForKey(int dataKeyLength) => dataKeyLength switch
    {
        KeyLength => AlgorithmAes256GcmHkdfSha256,
        DualLayerKeyLength => AlgorithmDualLayer,
        _ => throw new ArgumentException("data key must be 32 bytes (one layer) or 64 bytes (two layers)", nameof(dataKeyLength)),
    };

    /// <summary>The data key length <paramref name="algorithm"/> opens with: the inverse of <see cref="AlgorithmForKey"/>.</summary>
    public static int KeyLengthFor(byte algorithm) => algorithm == AlgorithmDualLayer ? DualLayerKeyLength : KeyLength;

    /// <summary>Stored bytes per segment beyond its plaintext: one GCM tag per layer.</summary>
    public static int SegmentOverhead(byte algorithm) => algorithm == AlgorithmDualLayer ? 2 * TagLength : TagLength;

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
