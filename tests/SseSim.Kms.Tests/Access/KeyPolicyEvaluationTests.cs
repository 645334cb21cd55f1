using static SseSim.Kms.Tests.Access.AccessKit;

namespace SseSim.Kms.Tests.Access;

public sealed class KeyPolicyEvaluationTests : IAsyncLifetime
{
    private readonly AccessKit _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private const string BobArn = $"\"arn:aws:iam::{Account1}:user/bob\"";

    [Fact]
    public async Task Default_policy_allows_every_identity_of_the_account_and_no_other_account()
    {
        var key = await _kit.CreateKeyAsync();
        await _kit.DescribeAsync(Bob, key.Arn!);
        await _kit.DescribeAsync(Root1, key.KeyId);
        await _kit.GenerateDataKeyAsync(Bob, key.KeyId);

        var e = await Denied(() => _kit.DescribeAsync(Carol, key.Arn!));
        Assert.Equal($"User: arn:aws:iam::{Account2}:user/carol is not authorized to perform: kms:DescribeKey on resource: {key.Arn} because no resource-based policy allows the kms:DescribeKey action", e.Message);
    }

    [Fact]
    public async Task A_user_arn_principal_allows_only_that_user()
    {
        var key = await _kit.CreateKeyAsync(policy: Policy(Allow($"{{\"AWS\":{BobArn}}}", "\"kms:DescribeKey\"")));
        await _kit.DescribeAsync(Bob, key.KeyId);
        await Denied(() => _kit.DescribeAsync(Root1, key.KeyId));
        await Denied(() => _kit.GenerateDataKeyAsync(Bob, key.KeyId));
    }

    [Theory]
    [InlineData("\"*\"")]
    [InlineData("{\"AWS\":\"*\"}")]
    [InlineData("{\"AWS\":[\"" + Account2 + "\"]}")]
    [InlineData("{\"AWS\":\"arn:aws:iam::" + Account2 + ":root\"}")]
    [InlineData("{\"AWS\":[\"arn:aws:iam::999999999999:root\",\"arn:aws:iam::" + Account2 + ":user/carol\"]}")]
    public async Task Principal_forms_that_name_the_other_account_allow_cross_account_use(string principal)
    {
        var key = await _kit.CreateKeyAsync(policy: Policy(Allow(principal, "[\"kms:Describe*\",\"kms:GenerateDataKey*\"]")));
        await _kit.DescribeAsync(Carol, key.Arn!);
        await _kit.GenerateDataKeyAsync(Carol, key.Arn!);
    }

    [Fact]
    public async Task Cross_account_callers_must_use_the_key_arn()
    {
        var key = await _kit.CreateKeyAsync(policy: Policy(Allow("\"*\"", "\"kms:*\"")));
        var e = await Fails(() => _kit.DescribeAsync(Carol, key.KeyId));
        Assert.Equal("NotFoundException", e.ErrorType);
    }

    [Fact]
    public async Task Service_principals_never_match_an_iam_caller()
    {
        var key = await _kit.CreateKeyAsync(policy: Policy(Allow("{\"Service\":\"s3.amazonaws.com\"}", "\"kms:*\"")));
        await Denied(() => _kit.DescribeAsync(Bob, key.KeyId, via: "s3"));
    }

    [Fact]
    public async Task Explicit_deny_wins_over_any_allow_and_over_grants()
    {
        var key = await _kit.CreateKeyAsync(policy: Policy(
            Allow($"{{\"AWS\":\"{Account1}\"}}", "\"kms:*\""),
            Deny($"{{\"AWS\":{BobArn}}}", "\"kms:GenerateDataKey\"")));
        await _kit.DescribeAsync(Bob, key.KeyId);
        await _kit.CreateGrantAsync(Alice, key.KeyId, $"arn:aws:iam::{Account1}:user/bob", ["GenerateDataKey"]);
        var e = await Denied(() => _kit.GenerateDataKeyAsync(Bob, key.KeyId));
        Assert.EndsWith("with an explicit deny in a resource-based policy", e.Message);
        await _kit.GenerateDataKeyAsync(Root1, key.KeyId);
    }

    [Fact]
    public async Task NotPrincipal_and_NotAction_invert_the_match()
    {
        var key = await _kit.CreateKeyAsync(policy: Policy(
            Allow($"{{\"AWS\":\"{Account1}\"}}", "\"kms:*\""),
            $$"""{"Effect":"Deny","NotPrincipal":{"AWS":{{BobArn}}},"NotAction":"kms:Describe*","Resource":"*"}"""), bypass: true);
        await _kit.GenerateDataKeyAsync(Bob, key.KeyId);
        await _kit.DescribeAsync(Root1, key.KeyId);
        await Denied(() => _kit.GenerateDataKeyAsync(Root1, key.KeyId));
    }

    [Theory]
    [InlineData("\"kms:*\"", true)]
    [InlineData("\"*\"", true)]
    [InlineData("\"kms:Describe*\"", true)]
    [InlineData("\"KMS:describekey\"", true)]
    [InlineData("\"kms:Describe?ey\"", true)]
    [InlineData("[\"kms:Encrypt\",\"kms:DescribeKey\"]", true)]
    [InlineData("\"kms:Get*\"", false)]
    [InlineData("\"s3:*\"", false)]
    public async Task Action_wildcards(string action, bool allowed)
    {
        var key = await _kit.CreateKeyAsync(policy: Policy(Allow($"{{\"AWS\":{BobArn}}}", action)));
        if (allowed)
        {
            await _kit.DescribeAsync(Bob, key.KeyId);
        }
        else
        {
            await Denied(() => _kit.DescribeAsync(Bob, key.KeyId));
        }
    }

    [Fact]
    public async Task Resource_may_name_the_key_arn_or_a_pattern_and_other_resources_do_not_apply()
    {
        var probe = await _kit.CreateKeyAsync();
        var policy = Bare(Admin,
            $$"""{"Effect":"Allow","Principal":{"AWS":{{BobArn}}},"Action":"kms:DescribeKey","Resource":"arn:aws:kms:us-east-1:{{Account1}}:key/*"}""",
            $$"""{"Effect":"Allow","Principal":{"AWS":{{BobArn}}},"Action":"kms:GenerateDataKey","Resource":"{{probe.Arn}}"}""");
        var key = await _kit.CreateKeyAsync(policy: policy);
        await _kit.DescribeAsync(Bob, key.KeyId);
        await Denied(() => _kit.GenerateDataKeyAsync(Bob, key.KeyId));
    }

    [Fact]
    public async Task Statements_without_action_or_resource_are_accepted_but_have_no_effect()
    {
        var key = await _kit.CreateKeyAsync(policy: Bare(Admin, $$"""{"Effect":"Allow","Principal":{"AWS":{{BobArn}}},"Action":"kms:*"}"""));
        await Denied(() => _kit.DescribeAsync(Bob, key.KeyId));
    }

    [Fact]
    public async Task Statement_may_be_a_single_object()
    {
        var key = await _kit.CreateKeyAsync(policy: $$"""{"Statement":{{Admin}}}""");
        await _kit.DescribeAsync(Alice, key.KeyId);
        await Denied(() => _kit.DescribeAsync(Bob, key.KeyId));
    }
}
