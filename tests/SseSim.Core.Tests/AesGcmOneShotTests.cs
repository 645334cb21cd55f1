using System.Security.Cryptography;
using SseSim.Core.Crypto;

namespace SseSim.Core.Tests;

public sealed class AesGcmOneShotTests
{
    [Fact]
    public void Linux_uses_libcrypto_directly()
    {
        // The point of the type; if this fails on Linux the fallback hides a lost speed-up, not a wrong answer.
        Assert.Equal(OperatingSystem.IsLinux(), AesGcmOneShot.UsesNativeContext);
    }

    [Fact]
    public void Matches_the_NIST_GCM_test_case_16()
    {
        var key = Convert.FromHexString("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
        var nonce = Convert.FromHexString("cafebabefacedbaddecaf888");
        var plaintext = Convert.FromHexString("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
        var aad = Convert.FromHexString("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        AesGcmOneShot.Encrypt(key, nonce, plaintext, ciphertext, tag, aad);
        Assert.Equal("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662", Convert.ToHexStringLower(ciphertext));
        Assert.Equal("76fc6ece0f4e1768cddf8853bb2d551b", Convert.ToHexStringLower(tag));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(15, 3)]
    [InlineData(16, 16)]
    [InlineData(32, 117)]
    [InlineData(4096, 1)]
    [InlineData(65539, 300)]
    public void Agrees_with_AesGcm_both_ways(int length, int aadLength)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var plaintext = RandomNumberGenerator.GetBytes(length);
        var aad = RandomNumberGenerator.GetBytes(aadLength);
        var ciphertext = new byte[length];
        var tag = new byte[16];
        AesGcmOneShot.Encrypt(key, nonce, plaintext, ciphertext, tag, aad);

        using var reference = new AesGcm(key, 16);
        var expected = new byte[length];
        var expectedTag = new byte[16];
        reference.Encrypt(nonce, plaintext, expected, expectedTag, aad);
        Assert.Equal(expected, ciphertext);
        Assert.Equal(expectedTag, tag);

        var opened = new byte[length];
        AesGcmOneShot.Decrypt(key, nonce, ciphertext, tag, opened, aad);
        Assert.Equal(plaintext, opened);
    }

    [Theory]
    [InlineData("ciphertext")]
    [InlineData("tag")]
    [InlineData("aad")]
    [InlineData("nonce")]
    [InlineData("key")]
    public void Any_flipped_bit_fails_and_releases_no_plaintext(string what)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var plaintext = RandomNumberGenerator.GetBytes(100);
        var aad = RandomNumberGenerator.GetBytes(40);
        var ciphertext = new byte[100];
        var tag = new byte[16];
        AesGcmOneShot.Encrypt(key, nonce, plaintext, ciphertext, tag, aad);
        var target = what switch { "ciphertext" => ciphertext, "tag" => tag, "aad" => aad, "nonce" => nonce, _ => key };
        target[Random.Shared.Next(target.Length)] ^= (byte)(1 << Random.Shared.Next(8));

        var opened = new byte[100];
        opened.AsSpan().Fill(0xAA);
        Assert.ThrowsAny<CryptographicException>(() => AesGcmOneShot.Decrypt(key, nonce, ciphertext, tag, opened, aad));
        Assert.All(opened, b => Assert.Equal(0, b));

        // The thread's context is still good for the next message (with the intact inputs re-drawn).
        key = RandomNumberGenerator.GetBytes(32);
        nonce = RandomNumberGenerator.GetBytes(12);
        aad = RandomNumberGenerator.GetBytes(40);
        var again = new byte[100];
        AesGcmOneShot.Encrypt(key, nonce, plaintext, again, tag, aad);
        AesGcmOneShot.Decrypt(key, nonce, again, tag, opened, aad);
        Assert.Equal(plaintext, opened);
    }

    [Fact]
    public void Threads_each_get_the_right_answer_for_their_own_keys()
    {
        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var key = RandomNumberGenerator.GetBytes(32);
            var nonce = RandomNumberGenerator.GetBytes(12);
            var plaintext = RandomNumberGenerator.GetBytes(i % 97);
            var ciphertext = new byte[plaintext.Length];
            var tag = new byte[16];
            AesGcmOneShot.Encrypt(key, nonce, plaintext, ciphertext, tag);
            using var reference = new AesGcm(key, 16);
            var opened = new byte[plaintext.Length];
            reference.Decrypt(nonce, ciphertext, tag, opened);
            Assert.Equal(plaintext, opened);
        });
    }

    [Fact]
    public void Wrong_sizes_are_argument_errors()
    {
        var buffer = new byte[16];
        Assert.Throws<ArgumentException>(() => AesGcmOneShot.Encrypt(new byte[16], new byte[12], buffer, buffer, new byte[16]));
        Assert.Throws<ArgumentException>(() => AesGcmOneShot.Encrypt(new byte[32], new byte[16], buffer, buffer, new byte[16]));
        Assert.Throws<ArgumentException>(() => AesGcmOneShot.Encrypt(new byte[32], new byte[12], buffer, buffer, new byte[12]));
        Assert.Throws<ArgumentException>(() => AesGcmOneShot.Decrypt(new byte[32], new byte[12], buffer, new byte[16], new byte[15]));
    }
}
