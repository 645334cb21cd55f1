using System.Buffers.Binary;
using System.IO.Hashing;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;

namespace SseSim.Objects.Sse;

/// <summary>Incremental S3 flexible checksums over plaintext; values are base64 of the big-endian digest.</summary>
internal sealed class ChecksumCalculator : IDisposable
{
    private static readonly ulong[][] Crc64NvmeSlices = BuildSlices64(BuildTable64(0x9A6C9329AC4BC9B5ul));

    private readonly Crc32? _crc32;
    private readonly IncrementalHash? _sha;
    private readonly NonCryptographicHashAlgorithm? _xxhash;
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
            case "SHA512":
                _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
                break;
            case "MD5":
                _sha = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
                break;
            // Seed 0; the digest is xxHash's canonical (big-endian) form, as System.IO.Hashing writes it.
            case "XXHASH64":
                _xxhash = new XxHash64();
                break;
            case "XXHASH3":
                _xxhash = new XxHash3();
                break;
            case "XXHASH128":
                _xxhash = new XxHash128();
                break;
            default:
                throw S3Exception.InvalidArgument("Value for x-amz-checksum-algorithm header is invalid.", "x-amz-checksum-algorithm", algorithm);
        }
    }

    /// <summary>S3's flexible checksum algorithms (botocore's ChecksumAlgorithm enum, in S3's message order), each with its digest's size in bytes.</summary>
    internal static readonly (string Name, int DigestSize)[] Algorithms =
    [
        ("CRC32", 4), ("CRC32C", 4), ("CRC64NVME", 8), ("SHA1", 20), ("SHA256", 32),
        ("SHA512", 64), ("MD5", 16), ("XXHASH64", 8), ("XXHASH3", 8), ("XXHASH128", 16),
    ];

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
        else if (_xxhash is not null)
        {
            _xxhash.Append(data);
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
    /// The reflected CRC-64/NVME register after <paramref name="data"/>: carry-less multiplication folding 64 bytes at a
    /// time where the CPU has PCLMULQDQ (S3's default checksum runs over every upload that names none, so it has to keep
    /// up with the envelope's AES-GCM), slicing by 8 elsewhere and for the last bytes.
    /// </summary>
    internal static ulong UpdateCrc64Nvme(ulong crc, ReadOnlySpan<byte> data) =>
        Pclmulqdq.IsSupported && data.Length >= FoldBlock ? UpdateCrc64NvmeFolding(crc, data) : UpdateCrc64NvmeSliced(crc, data);

    /// <summary>Slicing by 8: eight table lookups per 8 bytes (~1.0-1.2 GiB/s on this VM, ~0.34 one byte at a time).</summary>
    internal static ulong UpdateCrc64NvmeSliced(ulong crc, ReadOnlySpan<byte> data)
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

    private const int FoldBlock = 64;

    // Folding after Intel's "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ", in the reflected bit order:
    // a 16-byte lane (lo, hi) stands for lo·x^64 + hi, and moving it d bits further on is lo·(x^(d+64) mod P) +
    // hi·(x^d mod P). A reflected carry-less product carries one extra factor of x, hence the exponents less one.
    private static readonly Vector128<ulong> Fold512 = Vector128.Create(Crc64NvmeXPower(512 + 63), Crc64NvmeXPower(511));
    private static readonly Vector128<ulong> Fold128 = Vector128.Create(Crc64NvmeXPower(128 + 63), Crc64NvmeXPower(127));

    internal static ulong UpdateCrc64NvmeFolding(ulong crc, ReadOnlySpan<byte> data)
    {
        // The register is the CRC so far; XORed into the first 8 bytes it carries over (the CRC is linear in its input).
        var x0 = Vector128.Create(crc, 0ul) ^ Load(data, 0);
        var x1 = Load(data, 16);
        var x2 = Load(data, 32);
        var x3 = Load(data, 48);
        data = data[FoldBlock..];
        while (data.Length >= FoldBlock)
        {
            x0 = Fold(x0, Fold512) ^ Load(data, 0);
            x1 = Fold(x1, Fold512) ^ Load(data, 16);
            x2 = Fold(x2, Fold512) ^ Load(data, 32);
            x3 = Fold(x3, Fold512) ^ Load(data, 48);
            data = data[FoldBlock..];
        }
        var x = Fold(Fold(Fold(x0, Fold128) ^ x1, Fold128) ^ x2, Fold128) ^ x3;
        while (data.Length >= 16)
        {
            x = Fold(x, Fold128) ^ Load(data, 0);
            data = data[16..];
        }

        // What is left is congruent to everything folded so far: its 16 bytes through the table from a zero register,
        // then the tail, give the register (the table does the final reduction Barrett's method would).
        Span<byte> rest = stackalloc byte[16];
        x.AsByte().CopyTo(rest);
        return UpdateCrc64NvmeSliced(UpdateCrc64NvmeSliced(0, rest), data);
    }

    private static Vector128<ulong> Fold(Vector128<ulong> x, Vector128<ulong> k) =>
        Pclmulqdq.CarrylessMultiply(x, k, 0x00) ^ Pclmulqdq.CarrylessMultiply(x, k, 0x11);

    // x86 is little-endian, so the lane's first 8 bytes are its lo element, as the folding wants.
    private static Vector128<ulong> Load(ReadOnlySpan<byte> data, int offset) => Vector128.Create(data.Slice(offset, 16)).AsUInt64();

    // x^e mod P in the reflected order: computed in the normal order (bit i is x^i) and bit-reversed.
    private static ulong Crc64NvmeXPower(int e)
    {
        var poly = ReverseBits(0x9A6C9329AC4BC9B5ul);
        ulong r = 1;
        for (var i = 0; i < e; i++)
        {
            var carry = r >> 63;
            r = (r << 1) ^ (carry * poly);
        }
        return ReverseBits(r);
    }

    private static ulong ReverseBits(ulong v)
    {
        ulong r = 0;
        for (var i = 0; i < 64; i++, v >>= 1)
        {
            r = (r << 1) | (v & 1);
        }
        return r;
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
        Span<byte> digest = stackalloc byte[64];
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
        else if (_xxhash is not null)
        {
            length = _xxhash.GetCurrentHash(digest);
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
