using SseSim.Kms.Operations;

namespace SseSim.Kms.Tests.Lifecycle;

public sealed class AliasTests
{
    [Fact]
    public async Task CreateAlias_with_a_key_ARN_stores_the_bare_key_id()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        await kit.Call("CreateAlias", new CreateAliasRequest { AliasName = "alias/app", TargetKeyId = key.Arn }, CreateAlias.ExecuteAsync);
        var list = await kit.Call("ListAliases", new ListAliasesRequest { KeyId = key.KeyId }, ListAliases.ExecuteAsync);
        var alias = Assert.Single(list.Aliases);
        Assert.Equal(key.KeyId, alias.TargetKeyId);
        Assert.Equal("arn:aws:kms:us-east-1:111122223333:alias/app", alias.AliasArn);
        Assert.Equal(key.KeyId, (await kit.DescribeAsync("arn:aws:kms:us-east-1:111122223333:alias/app")).KeyId);
    }

    [Theory]
    [InlineData("app", "ValidationException")]
    [InlineData("alias/aws/mine", "NotAuthorizedException")]
    [InlineData("alias/bad name", "ValidationException")]
    public async Task CreateAlias_rejects_bad_names(string name, string error)
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        var e = await LifecycleKit.Fails(() => kit.Call("CreateAlias", new CreateAliasRequest { AliasName = name, TargetKeyId = key.KeyId }, CreateAlias.ExecuteAsync));
        Assert.Equal(error, e.ErrorType);
    }

    [Fact]
    public async Task CreateAlias_refuses_the_bare_prefix_and_UpdateAlias_and_DeleteAlias_do_not_find_it()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        var e = await LifecycleKit.Fails(() => kit.Call("CreateAlias", new CreateAliasRequest { AliasName = "alias/", TargetKeyId = key.KeyId }, CreateAlias.ExecuteAsync));
        Assert.Equal("InvalidAliasNameException", e.ErrorType);
        Assert.Empty((await kit.Call("ListAliases", new ListAliasesRequest { KeyId = key.KeyId }, ListAliases.ExecuteAsync)).Aliases);

        const string notFound = "Alias arn:aws:kms:us-east-1:111122223333:alias/ is not found.";
        e = await LifecycleKit.Fails(() => kit.Call("UpdateAlias", new UpdateAliasRequest { AliasName = "alias/", TargetKeyId = key.KeyId }, UpdateAlias.ExecuteAsync));
        Assert.Equal(("NotFoundException", notFound), (e.ErrorType, e.Message));
        e = await LifecycleKit.Fails(() => kit.Call("DeleteAlias", new DeleteAliasRequest { AliasName = "alias/" }, DeleteAlias.ExecuteAsync));
        Assert.Equal(("NotFoundException", notFound), (e.ErrorType, e.Message));
    }

    [Fact]
    public async Task CreateAlias_refuses_a_colon_in_the_name_though_the_model_pattern_admits_it()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        var e = await LifecycleKit.Fails(() => kit.Call("CreateAlias", new CreateAliasRequest { AliasName = "alias/my:alias", TargetKeyId = key.KeyId }, CreateAlias.ExecuteAsync));
        Assert.Equal(("ValidationException", "alias/my:alias contains invalid characters for an alias"), (e.ErrorType, e.Message));
    }

    [Fact]
    public async Task CreateAlias_twice_is_AlreadyExists_and_UpdateAlias_repoints()
    {
        await using var kit = new LifecycleKit();
        var first = await kit.CreateKeyAsync();
        var second = await kit.CreateKeyAsync();
        await kit.Call("CreateAlias", new CreateAliasRequest { AliasName = "alias/x", TargetKeyId = first.KeyId }, CreateAlias.ExecuteAsync);
        var dup = await LifecycleKit.Fails(() => kit.Call("CreateAlias", new CreateAliasRequest { AliasName = "alias/x", TargetKeyId = second.KeyId }, CreateAlias.ExecuteAsync));
        Assert.Equal("AlreadyExistsException", dup.ErrorType);

        await kit.Call("UpdateAlias", new UpdateAliasRequest { AliasName = "alias/x", TargetKeyId = second.KeyId }, UpdateAlias.ExecuteAsync);
        Assert.Equal(second.KeyId, (await kit.DescribeAsync("alias/x")).KeyId);

        var hmac = await kit.CreateKeyAsync("HMAC_256", "GENERATE_VERIFY_MAC");
        var mismatch = await LifecycleKit.Fails(() => kit.Call("UpdateAlias", new UpdateAliasRequest { AliasName = "alias/x", TargetKeyId = hmac.KeyId }, UpdateAlias.ExecuteAsync));
        Assert.Equal("ValidationException", mismatch.ErrorType);

        await kit.Call("DeleteAlias", new DeleteAliasRequest { AliasName = "alias/x" }, DeleteAlias.ExecuteAsync);
        var missing = await LifecycleKit.Fails(() => kit.Call("DeleteAlias", new DeleteAliasRequest { AliasName = "alias/x" }, DeleteAlias.ExecuteAsync));
        Assert.Equal("NotFoundException", missing.ErrorType);
    }

    [Fact]
    public async Task UpdateAlias_moves_between_asymmetric_keys_of_the_same_usage_whatever_their_spec()
    {
        await using var kit = new LifecycleKit();
        var ecc = await kit.CreateKeyAsync("ECC_NIST_P256", "SIGN_VERIFY");
        await kit.Call("CreateAlias", new CreateAliasRequest { AliasName = "alias/signer", TargetKeyId = ecc.KeyId }, CreateAlias.ExecuteAsync);
        foreach (var spec in new[] { "ECC_NIST_EDWARDS25519", "ML_DSA_44", "RSA_2048" })
        {
            var next = await kit.CreateKeyAsync(spec, "SIGN_VERIFY");
            await kit.Call("UpdateAlias", new UpdateAliasRequest { AliasName = "alias/signer", TargetKeyId = next.KeyId }, UpdateAlias.ExecuteAsync);
            Assert.Equal(next.KeyId, (await kit.DescribeAsync("alias/signer")).KeyId);
        }
        var encrypting = await kit.CreateKeyAsync("RSA_2048", "ENCRYPT_DECRYPT");
        var usage = await LifecycleKit.Fails(() => kit.Call("UpdateAlias", new UpdateAliasRequest { AliasName = "alias/signer", TargetKeyId = encrypting.KeyId }, UpdateAlias.ExecuteAsync));
        Assert.Equal("ValidationException", usage.ErrorType);
        var symmetric = await kit.CreateKeyAsync();
        var type = await LifecycleKit.Fails(() => kit.Call("UpdateAlias", new UpdateAliasRequest { AliasName = "alias/signer", TargetKeyId = symmetric.KeyId }, UpdateAlias.ExecuteAsync));
        Assert.Equal("ValidationException", type.ErrorType);
    }

    [Fact]
    public async Task ListAliases_pages_with_markers()
    {
        await using var kit = new LifecycleKit();
        var key = await kit.CreateKeyAsync();
        for (var i = 0; i < 5; i++)
        {
            await kit.Call("CreateAlias", new CreateAliasRequest { AliasName = $"alias/a{i}", TargetKeyId = key.KeyId }, CreateAlias.ExecuteAsync);
        }
        var seen = new List<string>();
        string? marker = null;
        do
        {
            var page = await kit.Call("ListAliases", new ListAliasesRequest { Limit = 2, Marker = marker }, ListAliases.ExecuteAsync);
            Assert.True(page.Aliases.Count <= 2);
            Assert.Equal(page.NextMarker is not null, page.Truncated);
            seen.AddRange(page.Aliases.Where(a => !a.AliasName.StartsWith("alias/aws/", StringComparison.Ordinal)).Select(a => a.AliasName));
            marker = page.NextMarker;
        }
        while (marker is not null);
        Assert.Equal(["alias/a0", "alias/a1", "alias/a2", "alias/a3", "alias/a4"], seen);
        var bad = await LifecycleKit.Fails(() => kit.Call("ListAliases", new ListAliasesRequest { Marker = "%%%" }, ListAliases.ExecuteAsync));
        Assert.Equal("InvalidMarkerException", bad.ErrorType);
    }

    [Fact]
    public async Task ListAliases_names_the_predefined_aliases_with_no_target_until_first_use()
    {
        await using var kit = new LifecycleKit();
        var fresh = await kit.Call("ListAliases", new ListAliasesRequest(), ListAliases.ExecuteAsync);
        Assert.Equal(["alias/aws/ebs", "alias/aws/s3"], fresh.Aliases.Select(a => a.AliasName));
        Assert.All(fresh.Aliases, a => Assert.True(a.TargetKeyId is null && a.CreationDate is null && a.LastUpdatedDate is null));
        Assert.Equal("arn:aws:kms:us-east-1:111122223333:alias/aws/ebs", fresh.Aliases[0].AliasArn);

        var managed = await kit.DescribeAsync("alias/aws/ebs");
        var after = await kit.Call("ListAliases", new ListAliasesRequest(), ListAliases.ExecuteAsync);
        Assert.Equal(managed.KeyId, after.Aliases.Single(a => a.AliasName == "alias/aws/ebs").TargetKeyId);
        Assert.Null(after.Aliases.Single(a => a.AliasName == "alias/aws/s3").TargetKeyId);
        var byKey = await kit.Call("ListAliases", new ListAliasesRequest { KeyId = managed.KeyId }, ListAliases.ExecuteAsync);
        Assert.Equal("alias/aws/ebs", Assert.Single(byKey.Aliases).AliasName);
    }
}
