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

    internal const int MaxObjectKeyBytes = 1024;
    internal const int MaxShortFieldBytes = 255;

    /// <summary>Derives the content key into <paramref name="contentKey"/> (32 bytes); the caller zeroes it.</summary>
    internal void DeriveContentKey(SecretBytes dataKey, ReadOnlySpan<byte> salt, Span<byte> contentKey)
    {
        if (dataKey.Length != EnvelopeFormat.KeyLength)
        {
            throw new ArgumentException("data key must be 32 bytes", nameof(dataKey));
        }
        var info = BuildInfo(ContentKeyLabel, EnvelopeFormat.AlgorithmAes256GcmHkdfSha256, appendPart: true);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, dataKey.UnsafeExpose(), contentKey, salt, info);
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
