using System.Buffers.Binary;
using System.IO.Hashing;
using System.Numerics;
using System.Security.Cryptography;

namespace SseSim.Objects.Sse;

/// <summary>Incremental S3 flexible checksums over plaintext; values are base64 of the big-endian digest.</summary>
internal sealed class ChecksumCalculator : IDisposable
{
    private static readonly ulong[][] Crc64NvmeSlices = BuildSlices64(BuildTable64(0x9A6C9329AC4BC9B5ul));

    private readonly Crc32? _crc32;
    private readonly IncrementalHash? _sha;
    private uint _crc32c = uint.MaxValue;
    private ulong _crc64 = ulong.MaxValue;

    public ChecksumCalculator(string algorithm)
    {
        Algorithm = algorithm.ToUpperInvariant();
        switch (Algorithm)
        {
            case "CRC32":
                _crc32 = new Crc32();
                break;
            case "CRC32C":
            case "CRC64NVME":
                break;
            case "SHA1":
                _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
                break;
            case "SHA256":
                _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                break;
            default:
                throw S3Exception.InvalidArgument("Value for x-amz-checksum-algorithm header is invalid.", "x-amz-checksum-algorithm", algorithm);
        }
    }

    public string Algorithm { get; }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_crc32 is not null)
        {
            _crc32.Append(data);
        }
        else if (_sha is not null)
        {
            _sha.AppendData(data);
        }
        else if (Algorithm == "CRC32C")
        {
            _crc32c = UpdateCrc32C(_crc32c, data);
        }
        else
        {
            _crc64 = UpdateCrc64Nvme(_crc64, data);
        }
    }

    /// <summary>The reflected CRC-32C register after <paramref name="data"/>: the CPU's crc32 instruction 8 bytes at a time (~5 GB/s here, 0.35 byte-wise).</summary>
    internal static uint UpdateCrc32C(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }
        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }
        return crc;
    }

    /// <summary>
    /// The reflected CRC-64/NVME register after <paramref name="data"/>, slicing by 8 (eight table lookups per 8 bytes
    /// instead of one per byte: ~1.0-1.2 GiB/s against ~0.34 on this VM).
    /// </summary>
    internal static ulong UpdateCrc64Nvme(ulong crc, ReadOnlySpan<byte> data)
    {
        var t = Crc64NvmeSlices;
        while (data.Length >= sizeof(ulong))
        {
            crc ^= BinaryPrimitives.ReadUInt64LittleEndian(data);
            crc = t[7][crc & 0xFF] ^ t[6][(crc >> 8) & 0xFF] ^ t[5][(crc >> 16) & 0xFF] ^ t[4][(crc >> 24) & 0xFF]
                ^ t[3][(crc >> 32) & 0xFF] ^ t[2][(crc >> 40) & 0xFF] ^ t[1][(crc >> 48) & 0xFF] ^ t[0][crc >> 56];
            data = data[sizeof(ulong)..];
        }
        foreach (var b in data)
        {
            crc = t[0][(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return crc;
    }

    // Slice k maps a byte to its CRC contribution k bytes further on: t[k][i] = (t[k-1][i] >> 8) ^ t[0][t[k-1][i] & 0xFF].
    private static ulong[][] BuildSlices64(ulong[] table)
    {
        var slices = new ulong[8][];
        slices[0] = table;
        for (var k = 1; k < 8; k++)
        {
            slices[k] = new ulong[256];
            for (var i = 0; i < 256; i++)
            {
                var previous = slices[k - 1][i];
                slices[k][i] = (previous >> 8) ^ table[previous & 0xFF];
            }
        }
        return slices;
    }

    public string GetBase64()
    {
        Span<byte> digest = stackalloc byte[32];
        int length;
        if (_crc32 is not null)
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest, _crc32.GetCurrentHashAsUInt32());
            length = 4;
        }
        else if (_sha is not null)
        {
            length = _sha.GetCurrentHash(digest);
        }
        else if (Algorithm == "CRC32C")
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest, ~_crc32c);
            length = 4;
        }
        else
        {
            BinaryPrimitives.WriteUInt64BigEndian(digest, ~_crc64);
            length = 8;
        }
        return Convert.ToBase64String(digest[..length]);
    }

    public void Dispose() => _sha?.Dispose();

    private static ulong[] BuildTable64(ulong poly)
    {
        var t = new ulong[256];
        for (ulong i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? poly ^ (c >> 1) : c >> 1;
            }
            t[i] = c;
        }
        return t;
    }
}
