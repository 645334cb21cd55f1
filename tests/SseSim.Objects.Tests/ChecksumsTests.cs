using System.Security.Cryptography;
using SseSim.Objects.Sse;

namespace SseSim.Objects.Tests;

/// <summary>The word-at-a-time CRC-32C and CRC-64/NVME paths against a bit-at-a-time reference and the catalogue's check values.</summary>
public sealed class ChecksumsTests
{
    [Fact]
    public void Check_values_of_the_CRC_catalogue()
    {
        // CRC-32C check 0xE3069283 and CRC-64/NVME check 0xAE8B14860A799888, over "123456789", as base64 big-endian.
        Assert.Equal(Convert.ToBase64String(Convert.FromHexString("E3069283")), Sum("CRC32C", "123456789"u8.ToArray()));
        Assert.Equal(Convert.ToBase64String(Convert.FromHexString("AE8B14860A799888")), Sum("CRC64NVME", "123456789"u8.ToArray()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(79)]
    [InlineData(80)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(200)]
    [InlineData(4099)]
    [InlineData(65536 + 17)]
    public void Fast_paths_match_a_bit_at_a_time_reference(int length)
    {
        var data = RandomNumberGenerator.GetBytes(length);
        var crc64 = Reflected(ulong.MaxValue, data, 0x9A6C9329AC4BC9B5ul, 64);
        Assert.Equal(crc64, ChecksumCalculator.UpdateCrc64Nvme(ulong.MaxValue, data));
        Assert.Equal(crc64, ChecksumCalculator.UpdateCrc64NvmeSliced(ulong.MaxValue, data));
        Assert.Equal(Reflected(uint.MaxValue, data, 0x82F63B78u, 32), ChecksumCalculator.UpdateCrc32C(uint.MaxValue, data));
    }

    [Fact]
    public void Carry_less_folding_matches_the_reference_from_any_register()
    {
        // The register carried in from earlier appends, not only the initial all-ones one, must be folded in.
        if (!System.Runtime.Intrinsics.X86.Pclmulqdq.IsSupported)
        {
            return; // every x64 CPU of the last decade has it; elsewhere the sliced path above is the whole story
        }
        foreach (var length in new[] { 64, 100, 1000 })
        {
            var data = RandomNumberGenerator.GetBytes(length);
            foreach (var register in new[] { 0ul, ulong.MaxValue, 0x0123456789ABCDEFul, 1ul << 63 })
            {
                Assert.Equal(Reflected(register, data, 0x9A6C9329AC4BC9B5ul, 64), ChecksumCalculator.UpdateCrc64NvmeFolding(register, data));
            }
        }
    }

    [Theory]
    [InlineData("CRC32C")]
    [InlineData("CRC64NVME")]
    public void Any_split_of_the_input_gives_the_same_sum(string algorithm)
    {
        var data = RandomNumberGenerator.GetBytes(10_000);
        var whole = Sum(algorithm, data);
        using var pieces = new ChecksumCalculator(algorithm);
        for (var offset = 0; offset < data.Length;)
        {
            var size = Math.Min(Random.Shared.Next(1, 23), data.Length - offset);
            pieces.Append(data.AsSpan(offset, size));
            offset += size;
        }
        Assert.Equal(whole, pieces.GetBase64());
    }

    // The textbook reflected CRC register update, one bit at a time (no tables, no hardware instruction).
    private static ulong Reflected(ulong crc, byte[] data, ulong poly, int width)
    {
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ poly : crc >> 1;
            }
        }
        return width == 64 ? crc : crc & uint.MaxValue;
    }

    private static string Sum(string algorithm, byte[] data)
    {
        using var sum = new ChecksumCalculator(algorithm);
        sum.Append(data);
        return sum.GetBase64();
    }
}
