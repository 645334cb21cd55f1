using SseSim.Core.Aws;
using SseSim.Kms.Operations;
using static SseSim.Kms.Tests.Access.AccessKit;

namespace SseSim.Kms.Tests.Access;

/// <summary>GetKeyPolicy, PutKeyPolicy, ListKeyPolicies, policy validation and the lockout safety check.</summary>
public sealed class KeyPolicyOperationsTests : IAsyncLifetime
{
    private readonly AccessKit _kit = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private Task<GetKeyPolicyResponse> GetAsync(Identity who, string keyId, string? name = null) =>
        _kit.Call(who, "GetKeyPolicy", new GetKeyPolicyRequest { KeyId = keyId, PolicyName = name }, GetKeyPolicy.ExecuteAsync);

    [Fact]
    public async Task Default_policy_round_trips_and_is_named_default()
    {
        var key = await _kit.CreateKeyAsync();
        var got = await GetAsync(Alice, key.KeyId);
        Assert.Equal("default", got.PolicyName);
        Assert.Contains($"arn:aws:iam::{Account1}:root", got.Policy);
        Assert.Equal(got.Policy, (await GetAsync(Alice, key.Arn!, "default")).Policy);

        var list = await _kit.Call(Alice, "ListKeyPolicies", new ListKeyPoliciesRequest { KeyId = key.KeyId }, ListKeyPolicies.ExecuteAsync);
        Assert.Equal(["default"], list.PolicyNames);
        Assert.False(list.Truncated);
    }

    [Fact]
    public async Task Other_policy_names_do_not_exist()
    {
        var key = await _kit.CreateKeyAsync();
        var e = await Fails(() => GetAsync(Alice, key.KeyId, "custom"));
        Assert.Equal("NotFoundException", e.ErrorType);
        Assert.Equal("No such policy exists", e.Message);
        e = await Fails(() => GetAsync(Alice, key.KeyId, "bad-name"));
        Assert.Equal("ValidationException", e.ErrorType);
    }

    [Fact]
    public async Task Aliases_are_not_accepted_by_policy_operations()
    {
        var e = await Fails(() => GetAsync(Alice, $"arn:aws:kms:us-east-1:{Account1}:alias/x"));
        Assert.Equal("InvalidArnException", e.ErrorType);
    }

    [Fact]
    public async Task PutKeyPolicy_replaces_the_policy_and_changes_access()
    {
        var key = await _kit.CreateKeyAsync();
        await _kit.DescribeAsync(Bob, key.KeyId);
        var policy = Policy();
        await _kit.PutPolicyAsync(Alice, key.KeyId, policy);
        Assert.Equal(policy, (await GetAsync(Alice, key.KeyId)).Policy);
        await Denied(() => _kit.DescribeAsync(Bob, key.KeyId));
        await Denied(() => _kit.PutPolicyAsync(Bob, key.KeyId, policy));
    }

    [Fact]
    public async Task Lockout_check_refuses_a_policy_that_removes_the_callers_PutKeyPolicy()
    {
        var key = await _kit.CreateKeyAsync();
        var lockout = Bare(Allow($"{{\"AWS\":\"arn:aws:iam::{Account1}:user/bob\"}}", "\"kms:*\""));
        var e = await Fails(() => _kit.PutPolicyAsync(Alice, key.KeyId, lockout));
        Assert.Equal("MalformedPolicyDocumentException", e.ErrorType);
        Assert.Equal("The new key policy will not allow you to update the key policy in the future.", e.Message);

        e = await Fails(() => _kit.CreateKeyAsync(Alice, policy: lockout));
        Assert.Equal("MalformedPolicyDocumentException", e.ErrorType);

        var denyOwn = Policy(Deny("\"*\"", "\"kms:PutKeyPolicy\""));
        e = await Fails(() => _kit.PutPolicyAsync(Alice, key.KeyId, denyOwn));
        Assert.Equal("MalformedPolicyDocumentException", e.ErrorType);

        await _kit.PutPolicyAsync(Alice, key.KeyId, lockout, bypass: true);
        await _kit.DescribeAsync(Bob, key.KeyId);
        await Denied(() => _kit.DescribeAsync(Alice, key.KeyId));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"Version":"2012-10-17"}""")]
    [InlineData("""{"Statement":[]}""")]
    [InlineData("""{"Version":"2020-01-01","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]}""")]
    [InlineData("""{"Statement":[{"Effect":"Permit","Principal":"*","Action":"kms:*","Resource":"*"}]}""")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}""")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Extra":1}]}""")]
    [InlineData("""{"Statment":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]}""")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"kms:*","Resource":"*"}]}""")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":{"Robot":"x"},"Action":"kms:*","Resource":"*"}]}""")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"me","Action":"kms:*","Resource":"*"}]}""")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":7,"Resource":"*"}]}""")]
    public async Task Malformed_policies_are_refused(string policy)
    {
        var key = await _kit.CreateKeyAsync();
        var e = await Fails(() => _kit.PutPolicyAsync(Alice, key.KeyId, policy, bypass: true));
        Assert.Equal("MalformedPolicyDocumentException", e.ErrorType);
        Assert.NotEqual("The new key policy will not allow you to update the key policy in the future.", e.Message);
    }

    [Fact]
    public async Task Invalid_principals_use_the_aws_message()
    {
        var key = await _kit.CreateKeyAsync();
        var e = await Fails(() => _kit.PutPolicyAsync(Alice, key.KeyId, Bare(Allow("{\"AWS\":\"nobody\"}", "\"kms:*\"")), bypass: true));
        Assert.Equal("Policy contains a statement with one or more invalid principals.", e.Message);
    }

    [Fact]
    public async Task Oversize_and_bad_characters_are_refused()
    {
        var key = await _kit.CreateKeyAsync();
        var big = Policy($$"""{"Sid":"{{new string('x', 33_000)}}","Effect":"Allow","Principal":"*","Action":"kms:Describe*","Resource":"*"}""");
        var e = await Fails(() => _kit.PutPolicyAsync(Alice, key.KeyId, big));
        Assert.Equal("LimitExceededException", e.ErrorType);

        e = await Fails(() => _kit.PutPolicyAsync(Alice, key.KeyId, Policy().Replace("Admin", "Admin\u2603", StringComparison.Ordinal)));
        Assert.Equal("ValidationException", e.ErrorType);

        e = await Fails(() => _kit.Call(Alice, "PutKeyPolicy", new PutKeyPolicyRequest { KeyId = key.KeyId }, PutKeyPolicy.ExecuteAsync));
        Assert.Equal("ValidationException", e.ErrorType);
    }

    [Fact]
    public async Task Key_policy_operations_are_not_cross_account()
    {
        var key = await _kit.CreateKeyAsync(policy: Policy(Allow("\"*\"", "\"kms:*\"")));
        await Denied(() => GetAsync(Carol, key.Arn!));
        await Denied(() => _kit.PutPolicyAsync(Carol, key.Arn!, Policy(), bypass: true));
    }

    [Fact]
    public async Task Policy_operations_work_in_every_key_state()
    {
        var key = await _kit.CreateKeyAsync();
        await _kit.Call(Alice, "DisableKey", new DisableKeyRequest { KeyId = key.KeyId }, DisableKey.ExecuteAsync);
        await GetAsync(Alice, key.KeyId);
        await _kit.PutPolicyAsync(Alice, key.KeyId, Policy());
    }

    [Fact]
    public async Task Aws_managed_key_is_usable_only_through_its_service_and_its_policy_is_fixed()
    {
        var s3Key = (await _kit.DescribeAsync(Bob, "alias/aws/s3")).KeyMetadata;
        Assert.Equal("AWS", s3Key.KeyManager);

        await Denied(() => _kit.GenerateDataKeyAsync(Bob, "alias/aws/s3"));
        await _kit.GenerateDataKeyAsync(Bob, "alias/aws/s3", via: "s3");
        await Denied(() => _kit.GenerateDataKeyAsync(Bob, "alias/aws/s3", via: "ec2"));
        await Denied(() => _kit.GenerateDataKeyAsync(Carol, s3Key.Arn!, via: "s3"));

        var policy = await GetAsync(Alice, s3Key.KeyId);
        Assert.Contains("kms:ViaService", policy.Policy);
        var e = await Denied(() => _kit.PutPolicyAsync(Alice, s3Key.KeyId, Policy()));
        Assert.Contains("kms:PutKeyPolicy", e.Message);
    }
}
