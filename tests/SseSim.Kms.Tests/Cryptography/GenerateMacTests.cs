using System.Security.Cryptography;
using SseSim.Kms.Model;
using SseSim.Kms.Operations;
using static SseSim.Kms.Tests.Cryptography.CryptoKit;

namespace SseSim.Kms.Tests.Cryptography;

public sealed class GenerateMacTests : IAsyncLifetime
{
    private readonly CryptoKit _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private Task<GenerateMacResponse> MacAsync(string keyId, byte[] message, string algorithm) =>
        _kit.Call("GenerateMac", new GenerateMacRequest { KeyId = keyId, Message = message, MacAlgorithm = algorithm }, GenerateMac.ExecuteAsync);

    private Task<VerifyMacResponse> VerifyAsync(string keyId, byte[] message, byte[] mac, string algorithm) =>
        _kit.Call("VerifyMac", new VerifyMacRequest { KeyId = keyId, Message = message, Mac = mac, MacAlgorithm = algorithm }, VerifyMac.ExecuteAsync);

    [Theory]
    [InlineData("HMAC_224", "HMAC_SHA_224", 28)]
    [InlineData("HMAC_256", "HMAC_SHA_256", 32)]
    [InlineData("HMAC_384", "HMAC_SHA_384", 48)]
    [InlineData("HMAC_512", "HMAC_SHA_512", 64)]
    public async Task Mac_round_trip_and_mismatch(string spec, string algorithm, int length)
    {
        var key = await _kit.CreateKeyAsync(spec, KeyUsages.GenerateVerifyMac);
        var mac = await MacAsync(key.KeyId, [1, 2, 3], algorithm);
        Assert.Equal(length, mac.Mac.Length);
        Assert.Equal(key.Arn, mac.KeyId);
        Assert.Equal(algorithm, mac.MacAlgorithm);
        Assert.Equal(mac.Mac, (await MacAsync(key.KeyId, [1, 2, 3], algorithm)).Mac);
        Assert.True((await VerifyAsync(key.KeyId, [1, 2, 3], mac.Mac, algorithm)).MacValid);
        await Fails("KMSInvalidMacException", () => VerifyAsync(key.KeyId, [1, 2, 4], mac.Mac, algorithm), "");
        await Fails("KMSInvalidMacException", () => VerifyAsync(key.KeyId, [1, 2, 3], mac.Mac[..^1], algorithm), "");
    }

    [Fact]
    public async Task Algorithm_must_match_key_spec()
    {
        var key = await _kit.CreateKeyAsync("HMAC_224", KeyUsages.GenerateVerifyMac);
        await Fails("InvalidKeyUsageException", () => MacAsync(key.KeyId, [1], "HMAC_SHA_256"), "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.");
        await Fails("ValidationException", () => MacAsync(key.KeyId, [1], "HMAC_MD5"));
        var symmetric = await _kit.CreateKeyAsync();
        await Fails("InvalidKeyUsageException", () => MacAsync(symmetric.KeyId, [1], "HMAC_SHA_256"), $"{symmetric.Arn} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.");
        await Fails("InvalidKeyUsageException", () => _kit.EncryptAsync(key.KeyId, [1]), $"{key.Arn} key usage is GENERATE_VERIFY_MAC which is not valid for Encrypt.");
        await Fails("DryRunOperationException", () => _kit.Call("GenerateMac", new GenerateMacRequest { KeyId = key.KeyId, Message = [1], MacAlgorithm = "HMAC_SHA_224", DryRun = true },
            GenerateMac.ExecuteAsync));
    }

    // RFC 4231 test cases 1 and 2, HMAC-SHA-224 outputs.
    [Theory]
    [InlineData("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265", "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22")]
    [InlineData("4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f", "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44")]
    public void Hmac_sha224_matches_rfc_4231(string key, string data, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(HmacSha224.Compute(Convert.FromHexString(key), Convert.FromHexString(data))));

    [Fact]
    public void Hmac_sha224_hashes_keys_longer_than_a_block() =>
        Assert.Equal("95e9a0db962095adaebe9b2d6f0dbce2d499f112f2d2b7273fa6870e",
            Convert.ToHexStringLower(HmacSha224.Compute(Enumerable.Repeat((byte)0xaa, 131).ToArray(), "Test Using Larger Than Block-Size Key - Hash Key First"u8)));

    [Fact]
    public void Sha224_matches_fips_vectors_across_block_boundaries()
    {
        var output = new byte[28];
        HmacSha224.Sha224("abc"u8, [], output);
        Assert.Equal("23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7", Convert.ToHexStringLower(output));
        HmacSha224.Sha224("abcdbcdecdefdefgefghfghighij"u8, "hijkijkljklmklmnlmnomnopnopq"u8, output);
        Assert.Equal("75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525", Convert.ToHexStringLower(output));
        // 55, 56 and 64 bytes straddle the padding boundary; cross-checked with HMAC's own consistency below.
        foreach (var n in new[] { 55, 56, 63, 64, 65, 119, 120, 1000 })
        {
            var data = RandomNumberGenerator.GetBytes(n);
            var whole = new byte[28];
            var split = new byte[28];
            HmacSha224.Sha224(data, [], whole);
            HmacSha224.Sha224(data.AsSpan(0, n / 3), data.AsSpan(n / 3), split);
            Assert.Equal(whole, split);
        }
    }
}
