using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using SseSim.Core.Secrets;

namespace SseSim.Objects.Envelope;

/// <summary>
/// What one envelope is bound to through its content key (docs/formats/object-envelope.md#keys): swapping ciphertext
/// between objects, parts or writes of the same key fails authentication.
/// </summary>
/// <param name="BindingId">The object's instance id for single writes, the upload id for multipart parts.</param>
/// <param name="PartNumber">0 for a single-envelope object, 1..10000 for a multipart part.</param>
public readonly record struct EnvelopeBinding(string Bucket, string ObjectKey, string BindingId, int PartNumber)
{
    private static ReadOnlySpan<byte> ContentKeyLabel => "SseSim/object-envelope/v1"u8;

    // docs/formats/object-envelope.md#dual-layer-keys
    private static ReadOnlySpan<byte> OuterContentKeyLabel => "SseSim/object-envelope-outer/v1"u8;

    internal const int MaxObjectKeyBytes = 1024;
    internal const int MaxShortFieldBytes = 255;

    /// <summary>
    /// Derives one layer's content key of an envelope of <paramref name="algorithm"/> from that layer's 32-byte data key
    /// (docs/formats/object-envelope.md#keys, #dual-layer-keys); the caller zeroes <paramref name="contentKey"/>.
    /// </summary>
    internal void DeriveLayerKey(ReadOnlySpan<byte> layerDataKey, byte algorithm, bool outer, ReadOnlySpan<byte> salt, Span<byte> contentKey)
    {
        var info = BuildInfo(outer ? OuterContentKeyLabel : ContentKeyLabel, algorithm, appendPart: true);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, layerDataKey, contentKey, salt, info);
    }

    /// <summary>The info string "label ‖ 0x00 [‖ alg] ‖ lp(bucket) ‖ lp(key) ‖ lp(binding id) [‖ u32 part]".</summary>
    internal byte[] BuildInfo(ReadOnlySpan<byte> label, byte? algorithm, bool appendPart)
    {
        var bucket = Encoding.UTF8.GetBytes(Bucket);
        var key = Encoding.UTF8.GetBytes(ObjectKey);
        var id = Encoding.UTF8.GetBytes(BindingId);
        if (bucket.Length > MaxShortFieldBytes || id.Length > MaxShortFieldBytes || key.Length > MaxObjectKeyBytes)
        {
            throw new ArgumentException("bucket, object key or binding id too long for an envelope binding");
        }
        var size = label.Length + 1 + (algorithm.HasValue ? 1 : 0) + 6 + bucket.Length + key.Length + id.Length + (appendPart ? 4 : 0);
        var info = new byte[size];
        var span = info.AsSpan();
        label.CopyTo(span);
        var o = label.Length + 1;
        if (algorithm.HasValue)
        {
            span[o++] = algorithm.Value;
        }
        o += WriteLengthPrefixed(span[o..], bucket);
        o += WriteLengthPrefixed(span[o..], key);
        o += WriteLengthPrefixed(span[o..], id);
        if (appendPart)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span[o..], checked((uint)PartNumber));
        }
        return info;
    }

    private static int WriteLengthPrefixed(Span<byte> destination, byte[] value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)value.Length);
        value.CopyTo(destination[2..]);
        return value.Length + 2;
    }
}
