using System.Security.Cryptography;
using SseSim.Core.Crypto;

namespace SseSim.Core.Tests;

public sealed class KeyedHmacSha256Tests
{
    [Fact]
    public void Linux_uses_libcrypto_directly()
    {
        Assert.Equal(OperatingSystem.IsLinux(), KeyedHmacSha256.UsesNativeContext);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(32, 1)]
    [InlineData(32, 99)]
    [InlineData(64, 64)]
    [InlineData(100, 5000)]
    public void Agrees_with_HMACSHA256_message_after_message(int keyLength, int dataLength)
    {
        var key = RandomNumberGenerator.GetBytes(keyLength);
        using var hmac = new KeyedHmacSha256(key);
        var mac = new byte[32];
        for (var i = 0; i < 5; i++)
        {
            var data = RandomNumberGenerator.GetBytes(dataLength + i);
            hmac.Compute(data, mac);
            Assert.Equal(HMACSHA256.HashData(key, data), mac);
        }
    }

    [Fact]
    public void Matches_RFC_4231_test_case_4()
    {
        var key = Convert.FromHexString("0102030405060708090a0b0c0d0e0f10111213141516171819");
        using var hmac = new KeyedHmacSha256(key);
        var mac = new byte[32];
        hmac.Compute(Enumerable.Repeat((byte)0xcd, 50).ToArray(), mac);
        Assert.Equal("82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", Convert.ToHexStringLower(mac));
    }

    [Fact]
    public void Disposed_instances_refuse_and_wrong_sizes_are_argument_errors()
    {
        var hmac = new KeyedHmacSha256(new byte[32]);
        Assert.Throws<ArgumentException>(() => hmac.Compute([1], new byte[16]));
        hmac.Dispose();
        Assert.ThrowsAny<ObjectDisposedException>(() => hmac.Compute([1], new byte[32]));
    }
}
