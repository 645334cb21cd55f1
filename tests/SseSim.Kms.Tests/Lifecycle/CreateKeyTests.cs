using SseSim.Kms.Operations;

namespace SseSim.Kms.Tests.Lifecycle;

public sealed class CreateKeyTests
{
    [Fact]
    public async Task CreateKey_defaults_match_AWS()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        Assert.Equal("SYMMETRIC_DEFAULT", key.KeySpec);
        Assert.Equal("ENCRYPT_DECRYPT", key.KeyUsage);
        Assert.Equal("AWS_KMS", key.Origin);
        Assert.Equal("CUSTOMER", key.KeyManager);
        Assert.Equal("Enabled", key.KeyState);
        Assert.Equal(["SYMMETRIC_DEFAULT"], key.EncryptionAlgorithms);
        Assert.Equal($"arn:aws:kms:us-east-1:111122223333:key/{key.KeyId}", key.Arn);
        Assert.Matches("^[0-9a-f]{64}$", key.CurrentKeyMaterialId!);
    }

    [Theory]
    [InlineData("RSA_2048", "SIGN_VERIFY")]
    [InlineData("RSA_3072", "ENCRYPT_DECRYPT")]
    [InlineData("ECC_NIST_P256", "SIGN_VERIFY")]
    [InlineData("ECC_SECG_P256K1", "SIGN_VERIFY")]
    [InlineData("HMAC_512", "GENERATE_VERIFY_MAC")]
    public async Task CreateKey_accepts_each_spec_with_its_usage(string spec, string usage)
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync(spec, usage);
        Assert.Equal(spec, key.KeySpec);
        Assert.Equal(usage, key.KeyUsage);
    }

    [Fact]
    public async Task Asymmetric_keys_need_a_KeyUsage()
    {
        await using var kit = new LifecycleKit();
        var e = await LifecycleKit.Fails(() => kit.CreateKeyAsync("RSA_2048"));
        Assert.Equal("ValidationException", e.ErrorType);
        Assert.Equal("You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.", e.Message);
    }

    [Fact]
    public async Task Custom_key_stores_and_multi_region_keys_are_unsupported_not_errors()
    {
        await using var kit = new LifecycleKit();
        var e = await LifecycleKit.Fails(() => kit.Call("CreateKey", new CreateKeyRequest { MultiRegion = true }, CreateKey.ExecuteAsync));
        Assert.Equal("UnsupportedOperationException", e.ErrorType);
        Assert.Contains("Multi-Region", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListKeys_lists_only_the_callers_keys_in_pages()
    {
        await using var kit = new LifecycleKit();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await kit.CreateKeyAsync()).KeyId);
        }
        await kit.Call("CreateKey", new CreateKeyRequest(), CreateKey.ExecuteAsync, kit.Stranger);
        var first = await kit.Call("ListKeys", new ListKeysRequest { Limit = 2 }, ListKeys.ExecuteAsync);
        Assert.True(first.Truncated);
        var second = await kit.Call("ListKeys", new ListKeysRequest { Limit = 2, Marker = first.NextMarker }, ListKeys.ExecuteAsync);
        Assert.False(second.Truncated);
        Assert.Equal(ids.Order(StringComparer.Ordinal), first.Keys.Concat(second.Keys).Select(k => k.KeyId));
    }
}
