using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using SseSim.Core.Secrets;

namespace SseSim.Volumes.Blocks;

/// <summary>Constants and the AAD of block-volume.md §1, §4.</summary>
public static class BlockFormat
{
    public const int BlockSize = 4096;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int EncryptedRecordSize = NonceSize + TagSize + BlockSize;
    public const int DataKeySize = 64;
    public const byte Version = 1;
    public const int DirectBlockSize = 512 * 1024;
    public const int BlocksPerDirectBlock = DirectBlockSize / BlockSize;

    private static readonly byte[] HkdfSalt = Encoding.UTF8.GetBytes("sse-sim/ebs/block-key/v1");

    /// <summary>block-volume.md §2 item 4.</summary>
    public static SecretBytes DeriveBlockKey(SecretBytes dataKey, string lineageId)
    {
        var key = new SecretBytes(32);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, dataKey.UnsafeExpose(), key.UnsafeExposeWritable(), HkdfSalt, Encoding.UTF8.GetBytes(lineageId));
        return key;
    }

    /// <summary>block-volume.md §4 AAD table.</summary>
    public static byte[] BuildAad(long blockIndex, ulong generation, string lineageId, string writerResourceId)
    {
        var lineage = Encoding.UTF8.GetBytes(lineageId);
        var writer = Encoding.UTF8.GetBytes(writerResourceId);
        var aad = new byte[4 + 1 + 8 + 8 + 2 + lineage.Length + 2 + writer.Length];
        var span = aad.AsSpan();
        "EBSB"u8.CopyTo(span);
        span[4] = Version;
        BinaryPrimitives.WriteInt64BigEndian(span[5..], blockIndex);
        BinaryPrimitives.WriteUInt64BigEndian(span[13..], generation);
        BinaryPrimitives.WriteUInt16BigEndian(span[21..], checked((ushort)lineage.Length));
        lineage.CopyTo(span[23..]);
        var o = 23 + lineage.Length;
        BinaryPrimitives.WriteUInt16BigEndian(span[o..], checked((ushort)writer.Length));
        writer.CopyTo(span[(o + 2)..]);
        return aad;
    }

    public static uint WriterIdOf(ReadOnlySpan<byte> record) => BinaryPrimitives.ReadUInt32BigEndian(record);

    public static ulong CounterOf(ReadOnlySpan<byte> record) => BinaryPrimitives.ReadUInt64BigEndian(record[4..]);
}

/// <summary>A 4 KiB block failed authentication or is malformed: an I/O error, never data (block-volume.md §4).</summary>
public sealed class BlockIntegrityException(string message) : IOException(message);
