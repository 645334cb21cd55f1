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

    [Theory]
    [InlineData("ECC_NIST_EDWARDS25519", "ED25519_SHA_512", "ED25519_PH_SHA_512")]
    [InlineData("ML_DSA_44", "ML_DSA_SHAKE_256", null)]
    [InlineData("ML_DSA_65", "ML_DSA_SHAKE_256", null)]
    [InlineData("ML_DSA_87", "ML_DSA_SHAKE_256", null)]
    public async Task Ed25519_and_ml_dsa_keys_are_sign_verify_only_and_their_sealed_material_survives_a_restart(string spec, string algorithm, string? second)
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync(spec, "SIGN_VERIFY");
        Assert.Equal(spec, key.KeySpec);
        // The deprecated CustomerMasterKeySpec enum has none of these specs: AWS leaves it out (CLI create-key example 4).
        Assert.Null(key.CustomerMasterKeySpec);
        Assert.Equal("SIGN_VERIFY", key.KeyUsage);
        Assert.Equal(second is null ? [algorithm] : [algorithm, second], key.SigningAlgorithms!);
        Assert.Null(key.EncryptionAlgorithms);
        Assert.Null(key.KeyAgreementAlgorithms);
        Assert.Null(key.MacAlgorithms);
        Assert.Null(key.CurrentKeyMaterialId);
        Assert.Equal(key.SigningAlgorithms, (await kit.DescribeAsync(key.KeyId)).SigningAlgorithms);

        foreach (var usage in new[] { "ENCRYPT_DECRYPT", "KEY_AGREEMENT", "GENERATE_VERIFY_MAC" })
        {
            var e = await LifecycleKit.Fails(() => kit.CreateKeyAsync(spec, usage));
            Assert.Equal("ValidationException", e.ErrorType);
            Assert.Equal($"KeyUsage {usage} is not compatible with KeySpec {spec}", e.Message);
        }
        Assert.Equal("ValidationException", (await LifecycleKit.Fails(() => kit.CreateKeyAsync(spec))).ErrorType);

        // Signed before a restart, verified after: the private key came back from its sealed form (root key).
        var message = "across restarts"u8.ToArray();
        var signed = await kit.Call("Sign", new SignRequest { KeyId = key.KeyId, Message = message, SigningAlgorithm = algorithm }, Sign.ExecuteAsync);
        var stored = kit.Kms.Store.FindKey(key.KeyId)!.Materials.Single();
        Assert.NotNull(stored.PublicKey);
        await using var reopened = kit.Open();
        var verified = await reopened.InvokeAsync(kit.Caller, "Verify",
            new VerifyRequest { KeyId = key.KeyId, Message = message, Signature = signed.Signature, SigningAlgorithm = algorithm }, Verify.ExecuteAsync);
        Assert.True(verified.SignatureValid);
        var again = await reopened.InvokeAsync(kit.Caller, "Sign", new SignRequest { KeyId = key.KeyId, Message = message, SigningAlgorithm = algorithm }, Sign.ExecuteAsync);
        Assert.Equal(signed.Signature, again.Signature);
    }

    [Fact]
    public async Task Sm2_stays_unsupported()
    {
        await using var kit = new LifecycleKit();
        var e = await LifecycleKit.Fails(() => kit.CreateKeyAsync("SM2", "SIGN_VERIFY"));
        Assert.Equal("UnsupportedOperationException", e.ErrorType);
        Assert.Equal("KeySpec SM2 is not supported by SseSim.", e.Message);
    }

    [Fact]
    public async Task Asymmetric_keys_need_a_KeyUsage()
    {
        await using var kit = new LifecycleKit();
        var e = await LifecycleKit.Fails(() => kit.CreateKeyAsync("RSA_2048"));
        Assert.Equal("ValidationException", e.ErrorType);
        Assert.Equal("You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.", e.Message);
    }

    [Theory]
    [InlineData("SYMMETRIC_DEFAULT", null)]
    [InlineData("RSA_2048", "SIGN_VERIFY")]
    [InlineData("HMAC_256", "GENERATE_VERIFY_MAC")]
    public async Task MultiRegion_creates_a_primary_with_an_mrk_id_in_the_callers_Region(string spec, string? usage)
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateMultiRegionKeyAsync(spec, usage, kit.West);
        Assert.Matches("^mrk-[0-9a-f]{32}$", key.KeyId);
        Assert.Equal($"arn:aws:kms:us-west-2:111122223333:key/{key.KeyId}", key.Arn);
        Assert.True(key.MultiRegion);
        var config = key.MultiRegionConfiguration!;
        Assert.Equal("PRIMARY", config.MultiRegionKeyType);
        Assert.Equal(new MultiRegionKey(key.Arn!, "us-west-2"), config.PrimaryKey);
        Assert.Empty(config.ReplicaKeys);
        Assert.Equal(spec, key.KeySpec);

        // The copy is Regional: us-east-1 (the server's Region) has none, and says so with AWS's wording.
        var e = await LifecycleKit.Fails(() => kit.DescribeAsync(key.KeyId));
        Assert.Equal("NotFoundException", e.ErrorType);
        Assert.Equal($"Key 'arn:aws:kms:us-east-1:111122223333:key/{key.KeyId}' does not exist", e.Message);
        Assert.Equal(key.Arn, (await kit.DescribeAsync(key.KeyId, kit.West)).Arn);
    }

    [Fact]
    public async Task Single_Region_keys_have_MultiRegion_false_and_no_configuration()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        Assert.False(key.MultiRegion);
        Assert.Null(key.MultiRegionConfiguration);
        // A single-Region key is served in every Region (README, "One Region, one partition").
        Assert.Equal(key.Arn, (await kit.DescribeAsync(key.KeyId, kit.West)).Arn);
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
