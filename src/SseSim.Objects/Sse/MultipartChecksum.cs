using System.Buffers.Binary;
using System.Globalization;

namespace SseSim.Objects.Sse;

/// <summary>
/// The object checksum of a multipart upload from its parts' checksums, as S3 computes it at completion:
/// COMPOSITE is the checksum of the concatenated binary part checksums with "-N" appended; FULL_OBJECT (CRC only) is
/// the CRC of the whole plaintext, combined from the part CRCs and sizes without reading the data again.
/// </summary>
internal static class MultipartChecksum
{
    public const string Composite = "COMPOSITE";
    public const string FullObject = "FULL_OBJECT";

    /// <summary>S3's default type when CreateMultipartUpload names none: FULL_OBJECT for CRC64NVME, COMPOSITE otherwise.</summary>
    public static string DefaultType(string algorithm) => algorithm == "CRC64NVME" ? FullObject : Composite;

    /// <summary>Whether S3 accepts the pair (FULL_OBJECT needs a CRC; CRC64NVME is FULL_OBJECT only).</summary>
    public static bool Supports(string algorithm, string type) => type switch
    {
        FullObject => algorithm is "CRC32" or "CRC32C" or "CRC64NVME",
        Composite => algorithm is not "CRC64NVME",
        _ => false,
    };

    /// <summary>The object's checksum from the parts' base64 checksums (in part order) and plaintext sizes.</summary>
    public static string Combine(string algorithm, string type, IReadOnlyList<(string Checksum, long Size)> parts)
    {
        if (type == Composite)
        {
            using var sum = new ChecksumCalculator(algorithm);
            foreach (var (checksum, _) in parts)
            {
                sum.Append(Convert.FromBase64String(checksum));
            }
            return sum.GetBase64() + "-" + parts.Count.ToString(CultureInfo.InvariantCulture);
        }
        var crc = Crc.For(algorithm);
        ulong combined = 0;
        var first = true;
        foreach (var (checksum, size) in parts)
        {
            var bytes = Convert.FromBase64String(checksum);
            var value = crc.Width == 64 ? BinaryPrimitives.ReadUInt64BigEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);
            combined = first ? value : crc.Combine(combined, value, size);
            first = false;
        }
        var digest = new byte[crc.Width / 8];
        if (crc.Width == 64)
        {
            BinaryPrimitives.WriteUInt64BigEndian(digest, combined);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest, (uint)combined);
        }
        return Convert.ToBase64String(digest);
    }

    /// <summary>
    /// A reflected CRC (init and final XOR all ones) combined as zlib's crc32_combine does: CRC(A‖B) is CRC(A) times
    /// x^(8·|B|) modulo the polynomial, XOR CRC(B); the conditioning cancels out.
    /// </summary>
    internal sealed class Crc
    {
        private static readonly Crc Crc32 = new(0xEDB88320u, 32);
        private static readonly Crc Crc32C = new(0x82F63B78u, 32);
        private static readonly Crc Crc64Nvme = new(0x9A6C9329AC4BC9B5ul, 64);

        private readonly ulong _poly;
        private readonly ulong _top;

        // _powers[k] = x^(2^k) mod P, enough for any 64-bit byte count times 8.
        private readonly ulong[] _powers = new ulong[67];

        private Crc(ulong poly, int width)
        {
            _poly = poly;
            Width = width;
            _top = 1ul << (width - 1);
            _powers[0] = _top >> 1;
            for (var k = 1; k < _powers.Length; k++)
            {
                _powers[k] = Multiply(_powers[k - 1], _powers[k - 1]);
            }
        }

        public int Width { get; }

        public static Crc For(string algorithm) => algorithm switch
        {
            "CRC32" => Crc32,
            "CRC32C" => Crc32C,
            "CRC64NVME" => Crc64Nvme,
            _ => throw new ArgumentException("not a CRC: " + algorithm, nameof(algorithm)),
        };

        public ulong Combine(ulong first, ulong second, long secondLength) =>
            Multiply(PowerOfX((ulong)secondLength, 3), first) ^ second;

        // a·b mod P in the reflected representation (the top bit is x^0).
        private ulong Multiply(ulong a, ulong b)
        {
            ulong product = 0;
            for (var m = _top; m != 0; m >>= 1)
            {
                if ((a & m) != 0)
                {
                    product ^= b;
                    if ((a & (m - 1)) == 0)
                    {
                        break;
                    }
                }
                b = (b & 1) != 0 ? (b >> 1) ^ _poly : b >> 1;
            }
            return product;
        }

        // x^(n·2^k) mod P.
        private ulong PowerOfX(ulong n, int k)
        {
            var p = _top;
            while (n != 0)
            {
                if ((n & 1) != 0)
                {
                    p = Multiply(_powers[k], p);
                }
                n >>= 1;
                k++;
            }
            return p;
        }
    }
}
