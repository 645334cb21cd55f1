using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace SseSim.Objects.Sse;

/// <summary>Incremental S3 flexible checksums over plaintext; values are base64 of the big-endian digest.</summary>
internal sealed class ChecksumCalculator : IDisposable
{
    private static readonly uint[] Crc32CTable = BuildTable32(0x82F63B78u);
    private static readonly ulong[] Crc64NvmeTable = BuildTable64(0x9A6C9329AC4BC9B5ul);

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
            var crc = _crc32c;
            foreach (var b in data)
            {
                crc = Crc32CTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
            }
            _crc32c = crc;
        }
        else
        {
            var crc = _crc64;
            foreach (var b in data)
            {
                crc = Crc64NvmeTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
            }
            _crc64 = crc;
        }
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

    private static uint[] BuildTable32(uint poly)
    {
        var t = new uint[256];
        for (uint i = 0; i < 256; i++)
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
