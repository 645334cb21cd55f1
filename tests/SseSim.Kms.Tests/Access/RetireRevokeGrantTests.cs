using SseSim.Core.Aws;
using SseSim.Kms.Operations;
using static SseSim.Kms.Tests.Access.AccessKit;

namespace SseSim.Kms.Tests.Access;

public sealed class RetireRevokeGrantTests : IAsyncLifetime
{
    private const string BobArn = $"arn:aws:iam::{Account1}:user/bob";
    private const string CarolArn = $"arn:aws:iam::{Account2}:user/carol";
    private readonly AccessKit _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private Task RetireAsync(Identity who, string? token = null, string? keyId = null, string? grantId = null, bool dryRun = false) =>
        _kit.Call(who, "RetireGrant", new RetireGrantRequest { GrantToken = token, KeyId = keyId, GrantId = grantId, DryRun = dryRun ? true : null }, RetireGrant.ExecuteAsync);

    private Task RevokeAsync(Identity who, string keyId, string grantId) =>
        _kit.Call(who, "RevokeGrant", new RevokeGrantRequest { KeyId = keyId, GrantId = grantId }, RevokeGrant.ExecuteAsync);

    private async Task<int> CountAsync(string keyId) =>
        (await _kit.Call(Alice, "ListGrants", new ListGrantsRequest { KeyId = keyId }, ListGrants.ExecuteAsync)).Grants.Count;

    [Fact]
    public async Task The_retiring_principal_may_retire_by_token_and_the_grant_stops_working()
    {
        var key = await _kit.CreateKeyAsync(policy: Policy());
        var grant = await _kit.CreateGrantAsync(Alice, key.KeyId, BobArn, ["GenerateDataKey"], retiring: CarolArn);
        await _kit.GenerateDataKeyAsync(Bob, key.KeyId);
        await RetireAsync(Carol, token: grant.GrantToken);
        Assert.Equal(0, await CountAsync(key.KeyId));
        await Denied(() => _kit.GenerateDataKeyAsync(Bob, key.KeyId));

        var e = await Fails(() => RetireAsync(Carol, token: grant.GrantToken));
        Assert.Equal("NotFoundException", e.ErrorType);
    }

    [Fact]
    public async Task The_grantee_may_retire_only_when_the_grant_includes_RetireGrant()
    {
        var key = await _kit.CreateKeyAsync(policy: Policy());
        var plain = await _kit.CreateGrantAsync(Alice, key.KeyId, CarolArn, ["Decrypt"]);
        var retirable = await _kit.CreateGrantAsync(Alice, key.KeyId, CarolArn, ["Decrypt", "RetireGrant"]);
        await Denied(() => RetireAsync(Carol, keyId: key.Arn, grantId: plain.GrantId));
        await RetireAsync(Carol, keyId: key.Arn, grantId: retirable.GrantId);
        Assert.Equal(1, await CountAsync(key.KeyId));
    }

    [Fact]
    public async Task The_issuing_account_may_retire_and_strangers_may_not()
    {
        var key = await _kit.CreateKeyAsync(policy: Policy());
        var grant = await _kit.CreateGrantAsync(Alice, key.KeyId, CarolArn, ["Decrypt"]);
        await Denied(() => RetireAsync(Carol, token: grant.GrantToken));
        var e = await Fails(() => RetireAsync(Bob, keyId: key.KeyId, grantId: grant.GrantId, dryRun: true));
        Assert.Equal("DryRunOperationException", e.ErrorType);
        await RetireAsync(Bob, keyId: key.KeyId, grantId: grant.GrantId);
        Assert.Equal(0, await CountAsync(key.KeyId));
    }

    [Fact]
    public async Task RetireGrant_errors()
    {
        var key = await _kit.CreateKeyAsync();
        var e = await Fails(() => RetireAsync(Alice, token: "garbage"));
        Assert.Equal("InvalidGrantTokenException", e.ErrorType);
        e = await Fails(() => RetireAsync(Alice, keyId: key.KeyId, grantId: new string('a', 64)));
        Assert.Equal("NotFoundException", e.ErrorType);
        e = await Fails(() => RetireAsync(Alice, keyId: key.KeyId));
        Assert.Equal("ValidationException", e.ErrorType);
    }

    [Fact]
    public async Task RevokeGrant_needs_kms_RevokeGrant_in_the_key_policy()
    {
        var key = await _kit.CreateKeyAsync(policy: Policy(Allow($"{{\"AWS\":\"{BobArn}\"}}", "\"kms:RevokeGrant\"")));
        var g1 = await _kit.CreateGrantAsync(Alice, key.KeyId, CarolArn, ["Decrypt", "RetireGrant"], retiring: CarolArn);
        var g2 = await _kit.CreateGrantAsync(Alice, key.KeyId, CarolArn, ["Decrypt"]);
        await Denied(() => RevokeAsync(Carol, key.Arn!, g1.GrantId));
        await Denied(() => RevokeAsync(Root1, key.KeyId, g1.GrantId));
        await RevokeAsync(Bob, key.KeyId, g1.GrantId);
        await RevokeAsync(Alice, key.KeyId, g2.GrantId);
        Assert.Equal(0, await CountAsync(key.KeyId));
        var e = await Fails(() => RevokeAsync(Alice, key.KeyId, g2.GrantId));
        Assert.Equal("NotFoundException", e.ErrorType);
    }

    [Fact]
    public async Task ListRetirableGrants_lists_grants_on_any_account_keys_for_the_retiring_principal()
    {
        var key1 = await _kit.CreateKeyAsync(policy: Policy());
        var key2 = await _kit.CreateKeyAsync(Carol);
        await _kit.CreateGrantAsync(Alice, key1.KeyId, BobArn, ["Decrypt"], retiring: CarolArn);
        await _kit.CreateGrantAsync(Carol, key2.KeyId, BobArn, ["Decrypt"], retiring: CarolArn);
        await _kit.CreateGrantAsync(Alice, key1.KeyId, BobArn, ["Decrypt"], retiring: BobArn);

        var list = await _kit.Call(Carol, "ListRetirableGrants", new ListRetirableGrantsRequest { RetiringPrincipal = CarolArn }, ListRetirableGrants.ExecuteAsync);
        Assert.Equal(2, list.Grants.Count);
        Assert.All(list.Grants, g => Assert.Equal(CarolArn, g.RetiringPrincipal));

        var page = await _kit.Call(Carol, "ListRetirableGrants", new ListRetirableGrantsRequest { RetiringPrincipal = CarolArn, Limit = 1 }, ListRetirableGrants.ExecuteAsync);
        Assert.True(page.Truncated);
        var rest = await _kit.Call(Carol, "ListRetirableGrants", new ListRetirableGrantsRequest { RetiringPrincipal = CarolArn, Limit = 1, Marker = page.NextMarker }, ListRetirableGrants.ExecuteAsync);
        Assert.False(rest.Truncated);
        Assert.NotEqual(page.Grants[0].GrantId, rest.Grants[0].GrantId);
    }
}
