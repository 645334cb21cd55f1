using System.Security.Cryptography;
using SseSim.Core.Crypto;
using SseSim.Core.Secrets;
using SseSim.Objects.Envelope;

namespace SseSim.Objects.Sse;

/// <summary>
/// Wraps SSE-S3 data keys, and DSSE-KMS outer-layer keys under their own label, under the S3 master key
/// (docs/formats/object-envelope.md#sse-s3-wrap, #dual-layer-keys).
/// </summary>
internal static class SseS3KeyWrap
{
    private const byte Version = 1;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int WrappedLength = 1 + NonceLength + EnvelopeFormat.KeyLength + TagLength;

    private static ReadOnlySpan<byte> Label => "SseSim/sse-s3-wrap/v1"u8;

    // A DSSE-KMS outer key can never be unwrapped as an SSE-S3 key of the same object, nor the reverse.
    private static ReadOnlySpan<byte> OuterLayerLabel => "SseSim/dsse-outer-wrap/v1"u8;

    public static byte[] Wrap(SecretBytes masterKey, SecretBytes dataKey, EnvelopeBinding binding, bool outerLayer = false)
    {
        var aad = binding.BuildInfo(outerLayer ? OuterLayerLabel : Label, null, appendPart: false);
        var blob = new byte[WrappedLength];
        blob[0] = Version;
        RandomPool.Fill(blob.AsSpan(1, NonceLength));
        AesGcmOneShot.Encrypt(masterKey.UnsafeExpose(), blob.AsSpan(1, NonceLength), dataKey.UnsafeExpose(), blob.AsSpan(1 + NonceLength, EnvelopeFormat.KeyLength), blob.AsSpan(WrappedLength - TagLength), aad);
        return blob;
    }

    public static SecretBytes Unwrap(SecretBytes masterKey, byte[] blob, EnvelopeBinding binding, bool outerLayer = false)
    {
        if (blob.Length != WrappedLength || blob[0] != Version)
        {
            throw new S3Exception(S3ErrorCode.InternalError, "stored SSE-S3 key is malformed");
        }
        var aad = binding.BuildInfo(outerLayer ? OuterLayerLabel : Label, null, appendPart: false);
        var key = new SecretBytes(EnvelopeFormat.KeyLength);
        try
        {
            AesGcmOneShot.Decrypt(masterKey.UnsafeExpose(), blob.AsSpan(1, NonceLength), blob.AsSpan(1 + NonceLength, EnvelopeFormat.KeyLength), blob.AsSpan(WrappedLength - TagLength), key.UnsafeExposeWritable(), aad);
            return key;
        }
        catch (AuthenticationTagMismatchException e)
        {
            key.Dispose();
            throw new S3Exception(S3ErrorCode.InternalError, "stored SSE-S3 key failed authentication", 500, e);
        }
    }
}
