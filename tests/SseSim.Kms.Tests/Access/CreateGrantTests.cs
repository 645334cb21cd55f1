using SseSim.Kms.Model;
using SseSim.Kms.Operations;
using static SseSim.Kms.Tests.Access.AccessKit;

namespace SseSim.Kms.Tests.Access;

public sealed class CreateGrantTests : IAsyncLifetime
{
    private const string BobArn = $"arn:aws:iam::{Account1}:user/bob";
    private const string CarolArn = $"arn:aws:iam::{Account2}:user/carol";
    private readonly AccessKit _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    /// <summary>A key only Alice may use by policy, so everything Bob or Carol can do comes from grants.</summary>
    private async Task<KeyMetadata> AliceOnlyKeyAsync(string? spec = null, string? usage = null) =>
        await _kit.CreateKeyAsync(policy: Policy(), spec: spec, usage: usage);

    private Task<ListGrantsResponse> ListAsync(string keyId, string? grantId = null, string? grantee = null, int? limit = null, string? marker = null) =>
        _kit.Call(Alice, "ListGrants", new ListGrantsRequest { KeyId = keyId, GrantId = grantId, GranteePrincipal = grantee, Limit = limit, Marker = marker }, ListGrants.ExecuteAsync);

    [Fact]
    public async Task A_grant_lets_the_grantee_perform_exactly_its_operations()
    {
        var key = await AliceOnlyKeyAsync();
        await Denied(() => _kit.GenerateDataKeyAsync(Bob, key.KeyId));
        var grant = await _kit.CreateGrantAsync(Alice, key.KeyId, BobArn, ["GenerateDataKey", "DescribeKey"]);
        Assert.Matches("^[0-9a-f]{64}$", grant.GrantId);
        Assert.NotEmpty(grant.GrantToken);

        await _kit.GenerateDataKeyAsync(Bob, key.KeyId);
        await _kit.DescribeAsync(Bob, key.KeyId);
        await Denied(() => _kit.Call(Bob, "Encrypt", new EncryptRequest { KeyId = key.KeyId, Plaintext = [1] }, Encrypt.ExecuteAsync));
        await Denied(() => _kit.GenerateDataKeyAsync(Root1, key.KeyId));
    }

    [Fact]
    public async Task A_grant_allows_another_account_to_use_the_key_by_arn()
    {
        var key = await AliceOnlyKeyAsync();
        await Denied(() => _kit.GenerateDataKeyAsync(Carol, key.Arn!));
        await _kit.CreateGrantAsync(Alice, key.KeyId, CarolArn, ["GenerateDataKey"]);
        await _kit.GenerateDataKeyAsync(Carol, key.Arn!);
    }

    [Fact]
    public async Task A_grant_to_an_account_covers_its_identities()
    {
        var key = await AliceOnlyKeyAsync();
        await _kit.CreateGrantAsync(Alice, key.KeyId, $"arn:aws:iam::{Account2}:root", ["DescribeKey"]);
        await _kit.DescribeAsync(Carol, key.Arn!);
    }

    [Fact]
    public async Task EncryptionContextSubset_keys_are_case_insensitive_and_values_exact()
    {
        var key = await AliceOnlyKeyAsync();
        await _kit.CreateGrantAsync(Alice, key.KeyId, BobArn, ["GenerateDataKey", "DescribeKey"],
            new GrantConstraints { EncryptionContextSubset = new() { ["Dept"] = "Eng" } });

        await _kit.GenerateDataKeyAsync(Bob, key.KeyId, new Dictionary<string, string> { ["Dept"] = "Eng", ["Extra"] = "1" });
        await _kit.GenerateDataKeyAsync(Bob, key.KeyId, new Dictionary<string, string> { ["dept"] = "Eng" });
        await Denied(() => _kit.GenerateDataKeyAsync(Bob, key.KeyId, new Dictionary<string, string> { ["Dept"] = "eng" }));
        await Denied(() => _kit.GenerateDataKeyAsync(Bob, key.KeyId));
        // Constraints do not apply to operations without an encryption context.
        await _kit.DescribeAsync(Bob, key.KeyId);
    }

    [Fact]
    public async Task EncryptionContextEquals_requires_the_exact_context()
    {
        var key = await AliceOnlyKeyAsync();
        await _kit.CreateGrantAsync(Alice, key.KeyId, BobArn, ["GenerateDataKey"],
            new GrantConstraints { EncryptionContextEquals = new() { ["a"] = "1", ["b"] = "2" } });
        await _kit.GenerateDataKeyAsync(Bob, key.KeyId, new Dictionary<string, string> { ["b"] = "2", ["A"] = "1" });
        await Denied(() => _kit.GenerateDataKeyAsync(Bob, key.KeyId, new Dictionary<string, string> { ["a"] = "1" }));
        await Denied(() => _kit.GenerateDataKeyAsync(Bob, key.KeyId, new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["c"] = "3" }));
    }

    [Fact]
    public async Task Grant_tokens_are_accepted_and_invalid_ones_refused()
    {
        var key = await AliceOnlyKeyAsync();
        var grant = await _kit.CreateGrantAsync(Alice, key.KeyId, BobArn, ["GenerateDataKey"]);
        await _kit.GenerateDataKeyAsync(Bob, key.KeyId, grantTokens: [grant.GrantToken]);

        var e = await Fails(() => _kit.GenerateDataKeyAsync(Bob, key.KeyId, grantTokens: ["not-a-token"]));
        Assert.Equal("InvalidGrantTokenException", e.ErrorType);

        var forged = Convert.FromBase64String(grant.GrantToken);
        forged[40] ^= 1;
        e = await Fails(() => _kit.DescribeAsync(Alice, key.KeyId, grantTokens: [Convert.ToBase64String(forged)]));
        Assert.Equal("InvalidGrantTokenException", e.ErrorType);

        e = await Fails(() => _kit.DescribeAsync(Alice, key.KeyId, grantTokens: Enumerable.Repeat(grant.GrantToken, 11).ToList()));
        Assert.Equal("ValidationException", e.ErrorType);
    }

    [Fact]
    public async Task Name_makes_retries_idempotent_with_fresh_interchangeable_tokens()
    {
        var key = await AliceOnlyKeyAsync();
        var first = await _kit.CreateGrantAsync(Alice, key.KeyId, BobArn, ["Decrypt", "Encrypt"], name: "attach-vol-1");
        var again = await _kit.CreateGrantAsync(Alice, key.KeyId, BobArn, ["Encrypt", "Decrypt"], name: "attach-vol-1");
        Assert.Equal(first.GrantId, again.GrantId);
        Assert.NotEqual(first.GrantToken, again.GrantToken);
        await _kit.DescribeAsync(Alice, key.KeyId, grantTokens: [first.GrantToken, again.GrantToken]);

        var other = await _kit.CreateGrantAsync(Alice, key.KeyId, BobArn, ["Decrypt"], name: "attach-vol-1");
        Assert.NotEqual(first.GrantId, other.GrantId);
        var unnamed = await _kit.CreateGrantAsync(Alice, key.KeyId, BobArn, ["Decrypt"]);
        var unnamed2 = await _kit.CreateGrantAsync(Alice, key.KeyId, BobArn, ["Decrypt"]);
        Assert.NotEqual(unnamed.GrantId, unnamed2.GrantId);
        Assert.Equal(4, (await ListAsync(key.KeyId)).Grants.Count);
    }

    [Fact]
    public async Task Validation_of_the_request()
    {
        var key = await AliceOnlyKeyAsync();
        var e = await Fails(() => _kit.CreateGrantAsync(Alice, key.KeyId, BobArn, ["Fly"]));
        Assert.Equal("ValidationException", e.ErrorType);
        Assert.Contains("enum value set", e.Message);

        e = await Fails(() => _kit.CreateGrantAsync(Alice, key.KeyId, BobArn, ["Sign"]));
        Assert.Equal("ValidationException", e.ErrorType);

        e = await Fails(() => _kit.Call(Alice, "CreateGrant", new CreateGrantRequest { KeyId = key.KeyId, Operations = ["Decrypt"] }, CreateGrant.ExecuteAsync));
        Assert.Equal("ValidationException", e.ErrorType);

        e = await Fails(() => _kit.CreateGrantAsync(Alice, $"arn:aws:kms:us-east-1:{Account1}:alias/foo", BobArn, ["Decrypt"]));
        Assert.Equal("InvalidArnException", e.ErrorType);
        Assert.Equal("Key Aliases are not supported for this operation", e.Message);

        var nine = Enumerable.Range(0, 9).ToDictionary(i => $"k{i}", i => "v");
        e = await Fails(() => _kit.CreateGrantAsync(Alice, key.KeyId, BobArn, ["Decrypt"], new GrantConstraints { EncryptionContextSubset = nine }));
        Assert.Equal("ValidationException", e.ErrorType);

        e = await Fails(() => _kit.CreateGrantAsync(Alice, key.KeyId, "bad principal!", ["Decrypt"]));
        Assert.Equal("ValidationException", e.ErrorType);
    }

    [Fact]
    public async Task Operations_must_suit_the_key_type()
    {
        var signing = await AliceOnlyKeyAsync("ECC_NIST_P256", "SIGN_VERIFY");
        await _kit.CreateGrantAsync(Alice, signing.KeyId, BobArn, ["Sign", "Verify", "GetPublicKey", "DescribeKey"]);
        var e = await Fails(() => _kit.CreateGrantAsync(Alice, signing.KeyId, BobArn, ["Decrypt"]));
        Assert.Equal("ValidationException", e.ErrorType);
        e = await Fails(() => _kit.CreateGrantAsync(Alice, signing.KeyId, BobArn, ["Sign"], new GrantConstraints { EncryptionContextSubset = new() { ["a"] = "b" } }));
        Assert.Equal("ValidationException", e.ErrorType);

        var hmac = await AliceOnlyKeyAsync("HMAC_256", "GENERATE_VERIFY_MAC");
        await _kit.CreateGrantAsync(Alice, hmac.KeyId, BobArn, ["GenerateMac", "VerifyMac"]);
        await Fails(() => _kit.CreateGrantAsync(Alice, hmac.KeyId, BobArn, ["Encrypt"]));
    }

    [Fact]
    public async Task CreateGrant_needs_permission_and_a_usable_key()
    {
        var key = await AliceOnlyKeyAsync();
        await Denied(() => _kit.CreateGrantAsync(Bob, key.KeyId, BobArn, ["Decrypt"]));
        await _kit.Call(Alice, "DisableKey", new DisableKeyRequest { KeyId = key.KeyId }, DisableKey.ExecuteAsync);
        var e = await Fails(() => _kit.CreateGrantAsync(Alice, key.KeyId, BobArn, ["Decrypt"]));
        Assert.Equal("DisabledException", e.ErrorType);
    }

    [Fact]
    public async Task DryRun_checks_everything_and_creates_nothing()
    {
        var key = await AliceOnlyKeyAsync();
        var e = await Fails(() => _kit.Call(Alice, "CreateGrant",
            new CreateGrantRequest { KeyId = key.KeyId, GranteePrincipal = BobArn, Operations = ["Decrypt"], DryRun = true }, CreateGrant.ExecuteAsync));
        Assert.Equal("DryRunOperationException", e.ErrorType);
        Assert.Empty((await ListAsync(key.KeyId)).Grants);
        await Denied(() => _kit.Call(Bob, "CreateGrant",
            new CreateGrantRequest { KeyId = key.KeyId, GranteePrincipal = BobArn, Operations = ["Decrypt"], DryRun = true }, CreateGrant.ExecuteAsync));
    }

    [Fact]
    public async Task A_grantee_with_CreateGrant_can_only_hand_on_equal_or_stricter_grants()
    {
        var key = await AliceOnlyKeyAsync();
        var subset = new GrantConstraints { EncryptionContextSubset = new() { ["tenant"] = "t1" } };
        await _kit.CreateGrantAsync(Alice, key.KeyId, BobArn, ["Decrypt", "CreateGrant"], subset);

        await _kit.CreateGrantAsync(Bob, key.KeyId, CarolArn, ["Decrypt"], new GrantConstraints { EncryptionContextSubset = new() { ["TENANT"] = "t1", ["x"] = "y" } });
        await _kit.CreateGrantAsync(Bob, key.KeyId, CarolArn, ["Decrypt"], new GrantConstraints { EncryptionContextEquals = new() { ["tenant"] = "t1" } });
        await Denied(() => _kit.CreateGrantAsync(Bob, key.KeyId, CarolArn, ["Decrypt"]));
        await Denied(() => _kit.CreateGrantAsync(Bob, key.KeyId, CarolArn, ["Decrypt"], new GrantConstraints { EncryptionContextSubset = new() { ["tenant"] = "t2" } }));
        await Denied(() => _kit.CreateGrantAsync(Bob, key.KeyId, CarolArn, ["Encrypt"], subset));
    }

    [Fact]
    public async Task Ebs_style_service_grant_matches_calls_via_ec2_from_the_account()
    {
        var key = await AliceOnlyKeyAsync();
        await _kit.CreateGrantAsync(Alice, key.KeyId, $"arn:aws:sts::{Account1}:assumed-role/aws:ec2-infrastructure/i-0123456789abcdef0", ["GenerateDataKey"],
            new GrantConstraints { EncryptionContextSubset = new() { ["aws:ebs:id"] = "vol-1" } }, retiring: $"arn:aws:iam::{Account1}:root");
        var ctx = new Dictionary<string, string> { ["aws:ebs:id"] = "vol-1" };
        await _kit.GenerateDataKeyAsync(Bob, key.KeyId, ctx, via: "ec2");
        await Denied(() => _kit.GenerateDataKeyAsync(Bob, key.KeyId, ctx));
        await Denied(() => _kit.GenerateDataKeyAsync(Bob, key.KeyId, ctx, via: "s3"));
        await Denied(() => _kit.GenerateDataKeyAsync(Bob, key.KeyId, new Dictionary<string, string> { ["aws:ebs:id"] = "vol-2" }, via: "ec2"));

        await _kit.CreateGrantAsync(Alice, key.KeyId, $"{Account1}:aws:ec2-infrastructure:i-0abc", ["DescribeKey"]);
        await _kit.DescribeAsync(Bob, key.KeyId, via: "ec2");
    }

    [Fact]
    public async Task ListGrants_filters_and_pages()
    {
        var key = await AliceOnlyKeyAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await _kit.CreateGrantAsync(Alice, key.KeyId, i % 2 == 0 ? BobArn : CarolArn, ["Decrypt"], name: $"g{i}")).GrantId);
        }
        var all = await ListAsync(key.KeyId);
        Assert.Equal(5, all.Grants.Count);
        var entry = all.Grants[0];
        Assert.Equal(key.Arn, entry.KeyId);
        Assert.Equal($"arn:aws:iam::{Account1}:root", entry.IssuingAccount);

        Assert.Equal(3, (await ListAsync(key.KeyId, grantee: BobArn)).Grants.Count);
        Assert.Single((await ListAsync(key.KeyId, grantId: ids[3])).Grants);
        var e = await Fails(() => ListAsync(key.KeyId, grantId: new string('0', 64)));
        Assert.Equal("InvalidGrantIdException", e.ErrorType);

        var page1 = await ListAsync(key.KeyId, limit: 2);
        Assert.True(page1.Truncated);
        var page2 = await ListAsync(key.KeyId, limit: 2, marker: page1.NextMarker);
        var page3 = await ListAsync(key.KeyId, limit: 2, marker: page2.NextMarker);
        Assert.False(page3.Truncated);
        Assert.Equal(all.Grants.Select(g => g.GrantId), page1.Grants.Concat(page2.Grants).Concat(page3.Grants).Select(g => g.GrantId));

        await Denied(() => _kit.Call(Bob, "ListGrants", new ListGrantsRequest { KeyId = key.KeyId }, ListGrants.ExecuteAsync));
    }

    [Fact]
    public async Task Grants_survive_a_restart()
    {
        var key = await AliceOnlyKeyAsync();
        var grant = await _kit.CreateGrantAsync(Alice, key.KeyId, BobArn, ["GenerateDataKey"]);
        await _kit.RestartAsync();
        await _kit.GenerateDataKeyAsync(Bob, key.KeyId, grantTokens: [grant.GrantToken]);
    }

    [Fact]
    public async Task Grant_limit_per_key_is_enforced()
    {
        var key = await AliceOnlyKeyAsync();
        var store = _kit.Kms.Store;
        var template = new KmsGrant
        {
            GrantId = "",
            KeyId = key.KeyId,
            KeyArn = key.Arn!,
            CreationDate = _kit.Time.GetUtcNow(),
            GranteePrincipal = BobArn,
            IssuingAccount = $"arn:aws:iam::{Account1}:root",
            Operations = ["Decrypt"],
            TokenHash = "",
        };
        for (var i = 0; i < CreateGrant.MaxGrantsPerKey; i++)
        {
            var g = template with { GrantId = i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture) };
            await store.PutGrantAsync(g);
            _kit.Kms.Authorizer.GrantAdded(g);
        }
        var e = await Fails(() => _kit.CreateGrantAsync(Alice, key.KeyId, BobArn, ["Decrypt"]));
        Assert.Equal("LimitExceededException", e.ErrorType);
    }
}
