using SseSim.Core.Aws;
using SseSim.Core.Crypto;
using SseSim.Kms.Authorization;
using SseSim.Kms.Model;
using static SseSim.Kms.Tests.Access.AccessKit;

namespace SseSim.Kms.Tests.Access;

/// <summary>Condition operators and keys, evaluated directly on a parsed policy.</summary>
public sealed class KeyPolicyConditionTests
{
    private static readonly KmsKey Key = new()
    {
        KeyId = "11111111-2222-3333-4444-555555555555",
        AccountId = Account1,
        Region = "us-east-1",
        CreationDate = DateTimeOffset.UnixEpoch,
        Policy = "{}",
    };

    private static PolicyDecision Evaluate(string condition, IReadOnlyDictionary<string, string>? context = null, string? via = null,
        Identity? who = null, string action = "kms:Encrypt", GrantRequestFacts? grant = null)
    {
        var doc = KeyPolicyDocument.Parse(Bare(Allow("\"*\"", "\"kms:*\"", condition)));
        var caller = As(who ?? Bob, via);
        var request = new AuthorizationRequest(caller, AuthorizationRequest.ViaServiceOf(caller, "us-east-1"), action, Key,
            context is null ? null : EncryptionContext.From(context), grant);
        return doc.Evaluate(request);
    }

    private static void Allowed(bool expected, string condition, IReadOnlyDictionary<string, string>? context = null, string? via = null,
        Identity? who = null, string action = "kms:Encrypt", GrantRequestFacts? grant = null) =>
        Assert.Equal(expected ? PolicyDecision.Allow : PolicyDecision.NotApplicable, Evaluate(condition, context, via, who, action, grant));

    private static Dictionary<string, string> Ctx(params string[] pairs)
    {
        var d = new Dictionary<string, string>();
        for (var i = 0; i < pairs.Length; i += 2)
        {
            d[pairs[i]] = pairs[i + 1];
        }
        return d;
    }

    [Fact]
    public void StringEquals_on_an_encryption_context_key_is_case_sensitive_in_key_and_value()
    {
        const string c = """{"StringEquals":{"kms:EncryptionContext:Dept":"Eng"}}""";
        Allowed(true, c, Ctx("Dept", "Eng"));
        Allowed(false, c, Ctx("Dept", "eng"));
        Allowed(false, c, Ctx("dept", "Eng"));
        Allowed(false, c);
        Allowed(true, """{"StringEquals":{"KMS:encryptioncontext:Dept":"Eng"}}""", Ctx("Dept", "Eng"));
    }

    [Fact]
    public void Multiple_values_are_ored_and_multiple_keys_are_anded()
    {
        const string c = """{"StringEquals":{"kms:EncryptionContext:a":["1","2"],"kms:EncryptionContext:b":"x"}}""";
        Allowed(true, c, Ctx("a", "2", "b", "x"));
        Allowed(false, c, Ctx("a", "2"));
        Allowed(false, c, Ctx("a", "3", "b", "x"));
    }

    [Fact]
    public void StringNotEquals_is_true_for_a_missing_key()
    {
        const string c = """{"StringNotEquals":{"kms:EncryptionContext:a":["1","2"]}}""";
        Allowed(true, c, Ctx("a", "3"));
        Allowed(false, c, Ctx("a", "1"));
        Allowed(true, c);
    }

    [Fact]
    public void StringLike_and_StringNotLike_use_globs()
    {
        Allowed(true, """{"StringLike":{"kms:EncryptionContext:aws:s3:arn":"arn:aws:s3:::bucket/*"}}""", Ctx("aws:s3:arn", "arn:aws:s3:::bucket/a/b"));
        Allowed(false, """{"StringLike":{"kms:EncryptionContext:aws:s3:arn":"arn:aws:s3:::bucket/*"}}""", Ctx("aws:s3:arn", "arn:aws:s3:::other/a"));
        Allowed(true, """{"StringLike":{"kms:EncryptionContext:v":"a?c"}}""", Ctx("v", "abc"));
        Allowed(false, """{"StringNotLike":{"kms:EncryptionContext:v":"a*"}}""", Ctx("v", "abc"));
        Allowed(true, """{"StringNotLike":{"kms:EncryptionContext:v":"a*"}}""", Ctx("v", "bc"));
    }

    [Fact]
    public void StringEqualsIgnoreCase_ignores_value_case()
    {
        Allowed(true, """{"StringEqualsIgnoreCase":{"kms:EncryptionContext:Dept":"ENG"}}""", Ctx("Dept", "eng"));
        Allowed(false, """{"StringNotEqualsIgnoreCase":{"kms:EncryptionContext:Dept":"ENG"}}""", Ctx("Dept", "eng"));
    }

    [Fact]
    public void IfExists_passes_when_the_key_is_absent()
    {
        const string c = """{"StringEqualsIfExists":{"kms:EncryptionContext:Dept":"Eng"}}""";
        Allowed(true, c);
        Allowed(true, c, Ctx("Dept", "Eng"));
        Allowed(false, c, Ctx("Dept", "Ops"));
    }

    [Fact]
    public void Null_tests_presence()
    {
        Allowed(true, """{"Null":{"kms:EncryptionContextKeys":"true"}}""");
        Allowed(false, """{"Null":{"kms:EncryptionContextKeys":"true"}}""", Ctx("a", "1"));
        Allowed(true, """{"Null":{"kms:EncryptionContext:a":"false"}}""", Ctx("a", "1"));
        Allowed(false, """{"Null":{"kms:ViaService":"false"}}""");
    }

    [Fact]
    public void ForAnyValue_and_ForAllValues_on_EncryptionContextKeys()
    {
        const string any = """{"ForAnyValue:StringEquals":{"kms:EncryptionContextKeys":["Dept","Team"]}}""";
        Allowed(true, any, Ctx("Dept", "x", "Other", "y"));
        Allowed(false, any, Ctx("Other", "y"));
        Allowed(false, any);

        const string all = """{"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["Dept","Team"]}}""";
        Allowed(true, all, Ctx("Dept", "x", "Team", "y"));
        Allowed(false, all, Ctx("Dept", "x", "Other", "y"));
        Allowed(true, all);

        Allowed(true, """{"ForAnyValue:StringLike":{"kms:EncryptionContextKeys":"aws:*"}}""", Ctx("aws:ebs:id", "vol-1"));
        Allowed(true, """{"ForAllValues:StringNotEquals":{"kms:EncryptionContextKeys":"secret"}}""", Ctx("a", "1"));
        Allowed(false, """{"ForAllValues:StringNotEquals":{"kms:EncryptionContextKeys":"secret"}}""", Ctx("a", "1", "secret", "2"));
    }

    [Fact]
    public void Bool_GrantIsForAWSResource_is_true_only_for_grant_calls_through_a_service()
    {
        const string c = """{"Bool":{"kms:GrantIsForAWSResource":"true"}}""";
        Allowed(true, c, via: "ec2", action: "kms:CreateGrant");
        Allowed(false, c, action: "kms:CreateGrant");
        Allowed(false, c, via: "ec2", action: "kms:Encrypt");
        Allowed(true, """{"Bool":{"kms:GrantIsForAWSResource":false}}""", action: "kms:ListGrants");
    }

    [Fact]
    public void ViaService_CallerAccount_and_principal_keys()
    {
        Allowed(true, """{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}""", via: "s3");
        Allowed(false, """{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}""", via: "ec2");
        Allowed(false, """{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}""");
        Allowed(true, $$$"""{"StringEquals":{"kms:CallerAccount":"{{{Account2}}}"}}""", who: Carol);
        Allowed(false, $$$"""{"StringEquals":{"kms:CallerAccount":"{{{Account2}}}"}}""");
        Allowed(true, $$$"""{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::{{{Account1}}}:user/b*"}}""");
        Allowed(false, $$$"""{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::{{{Account1}}}:user/alice"}}""");
        Allowed(true, $$$"""{"StringEquals":{"aws:PrincipalAccount":"{{{Account1}}}"}}""");
    }

    [Fact]
    public void Grant_request_keys()
    {
        var grant = new GrantRequestFacts(["Decrypt", "DescribeKey"], "arn:aws:iam::111122223333:user/bob", null,
            new GrantConstraints { EncryptionContextSubset = new() { ["a"] = "1" } });
        Allowed(true, """{"ForAllValues:StringEquals":{"kms:GrantOperations":["Decrypt","DescribeKey","Encrypt"]}}""", action: "kms:CreateGrant", grant: grant);
        Allowed(false, """{"ForAllValues:StringEquals":{"kms:GrantOperations":["Decrypt"]}}""", action: "kms:CreateGrant", grant: grant);
        Allowed(true, """{"StringLike":{"kms:GranteePrincipal":"arn:aws:iam::111122223333:*"}}""", action: "kms:CreateGrant", grant: grant);
        Allowed(true, """{"ForAnyValue:StringEquals":{"kms:GrantConstraintType":"EncryptionContextSubset"}}""", action: "kms:CreateGrant", grant: grant);
    }

    [Fact]
    public void Key_attribute_keys_and_numbers_and_source_ip()
    {
        Allowed(true, """{"StringEquals":{"kms:KeySpec":"SYMMETRIC_DEFAULT","kms:KeyUsage":"ENCRYPT_DECRYPT","kms:KeyOrigin":"AWS_KMS"}}""");
        Allowed(true, """{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""");
        Allowed(false, """{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""");
        Allowed(true, """{"Bool":{"kms:MultiRegion":"false"}}""");
    }

    [Theory]
    [InlineData(null, """{"Bool":{"kms:MultiRegion":"false"}}""", true)]
    [InlineData(null, """{"Null":{"kms:MultiRegionKeyType":"true"}}""", true)]
    [InlineData("us-east-1", """{"Bool":{"kms:MultiRegion":"true"}}""", true)]
    [InlineData("us-east-1", """{"StringEquals":{"kms:MultiRegionKeyType":"REPLICA"}}""", true)]
    [InlineData("us-west-2", """{"StringEquals":{"kms:MultiRegionKeyType":"PRIMARY"}}""", true)]
    [InlineData("us-west-2", """{"StringEquals":{"kms:MultiRegionKeyType":"REPLICA"}}""", false)]
    public void MultiRegion_keys_by_copy(string? primaryRegion, string condition, bool expected)
    {
        // A copy in us-west-2: the primary when the primary Region is us-west-2, else a replica; single-Region without one.
        var key = primaryRegion is null ? Key with { Region = "us-west-2" }
            : Key with { KeyId = "mrk-1234abcd12ab34cd56ef1234567890ab", Region = "us-west-2", PrimaryRegion = primaryRegion };
        var doc = KeyPolicyDocument.Parse(Bare(Allow("\"*\"", "\"kms:*\"", condition)));
        var decision = doc.Evaluate(new AuthorizationRequest(As(Bob), null, "kms:Encrypt", key, null));
        Assert.Equal(expected ? PolicyDecision.Allow : PolicyDecision.NotApplicable, decision);
    }

    [Fact]
    public void Conditions_can_also_restrict_a_deny()
    {
        var doc = KeyPolicyDocument.Parse(Bare(
            Allow("\"*\"", "\"kms:*\""),
            Deny("\"*\"", "\"kms:*\"", """{"StringNotEquals":{"kms:EncryptionContext:tenant":"t1"}}""")));
        var caller = As(Bob);
        Assert.Equal(PolicyDecision.Deny, doc.Evaluate(new AuthorizationRequest(caller, null, "kms:Encrypt", Key, EncryptionContext.Empty)));
        Assert.Equal(PolicyDecision.Allow, doc.Evaluate(new AuthorizationRequest(caller, null, "kms:Encrypt", Key, EncryptionContext.From(Ctx("tenant", "t1")))));
    }

    [Theory]
    [InlineData("""{"StringEqualz":{"kms:CallerAccount":"1"}}""")]
    [InlineData("""{"NullIfExists":{"kms:CallerAccount":"true"}}""")]
    [InlineData("""{"StringEquals":"x"}""")]
    [InlineData("""{"StringEquals":{"kms:CallerAccount":{"a":1}}}""")]
    [InlineData("""{"IpAddress":{"aws:SourceIp":"not-an-ip"}}""")]
    public void Bad_conditions_are_malformed(string condition)
    {
        var e = Assert.Throws<KmsException>(() => KeyPolicyDocument.Parse(Bare(Allow("\"*\"", "\"kms:*\"", condition))));
        Assert.Equal("MalformedPolicyDocumentException", e.ErrorType);
    }

    [Fact]
    public void Wildcards()
    {
        Assert.True(Wildcard.Match("a*b*c", "aXXbYYc", ignoreCase: false));
        Assert.False(Wildcard.Match("a*b*c", "aXXbYY", ignoreCase: false));
        Assert.True(Wildcard.Match("*", "", ignoreCase: false));
        Assert.True(Wildcard.Match("k?s:*", "kms:Encrypt", ignoreCase: false));
        Assert.False(Wildcard.Match("kms:encrypt", "kms:Encrypt", ignoreCase: false));
        Assert.True(Wildcard.Match("kms:encrypt", "kms:Encrypt", ignoreCase: true));
    }
}
