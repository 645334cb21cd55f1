using System.Text.Json;

namespace SseSim.Server.Tests.S3;

/// <summary>
/// GetBucketPolicyStatus and BlockPublicPolicy judge a policy by S3's "The meaning of public" rules: an Allow for "*" is
/// public unless a condition pins it to fixed values of the keys S3 lists, or to CIDR blocks.
/// </summary>
[Collection("S3")]
public sealed class GetBucketPolicyStatusTests(ServerFixture server)
{
    [Fact]
    public async Task Policy_status_follows_S3s_meaning_of_public_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            out["none"] = error(s3.get_bucket_policy_status, Bucket=bucket)
            s3.delete_public_access_block(Bucket=bucket)  # lets the public ones be stored
            def allow(principal, condition=None, effect="Allow"):
                statement = {"Effect": effect, "Principal": principal, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::" + bucket + "/*"}
                if condition:
                    statement["Condition"] = condition
                return json.dumps({"Version": "2012-10-17", "Statement": [statement]})
            policies = {
                "star": allow("*"),
                "awsStar": allow({"AWS": "*"}),
                "account": allow({"AWS": "arn:aws:iam::111122223333:root"}),
                "deny": allow("*", effect="Deny"),
                "vpce": allow("*", {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}),
                "orgId": allow("*", {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}),
                "sourceIp": allow("*", {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"]}}),
                "anyIp": allow("*", {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}),
                "vpceWildcard": allow("*", {"StringLike": {"aws:SourceVpce": "vpce-*"}}),
                "vpceIfExists": allow("*", {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1a2b3c4d"}}),
                "vpceNot": allow("*", {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}),
                "referer": allow("*", {"StringLike": {"aws:Referer": "https://example.com/*"}}),
                "secureTransport": allow("*", {"Bool": {"aws:SecureTransport": "true"}}),
            }
            for name, policy in policies.items():
                s3.put_bucket_policy(Bucket=bucket, Policy=policy)
                out[name] = s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"]
            s3.delete_bucket_policy(Bucket=bucket)
            out["deleted"] = error(s3.get_bucket_policy_status, Bucket=bucket)

            # A new bucket blocks public policies (all four settings on since April 2023).
            blocked = bucket + "-bpa"
            s3.create_bucket(Bucket=blocked)
            out["putReferer"] = error(s3.put_bucket_policy, Bucket=blocked, Policy=policies["referer"].replace(bucket, blocked))
            out["putVpce"] = error(s3.put_bucket_policy, Bucket=blocked, Policy=policies["vpce"].replace(bucket, blocked))
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("NoSuchBucketPolicy 404", result.Outcome("none"));
        Assert.Equal("NoSuchBucketPolicy 404", result.Outcome("deleted"));
        foreach (var name in new[] { "star", "awsStar", "anyIp", "vpceWildcard", "vpceIfExists", "vpceNot", "referer", "secureTransport" })
        {
            Assert.True(result.GetProperty(name).GetBoolean(), name + " should be public");
        }
        foreach (var name in new[] { "account", "deny", "vpce", "orgId", "sourceIp" })
        {
            Assert.True(result.GetProperty(name).ValueKind == JsonValueKind.False, name + " should not be public");
        }
        Assert.Equal("AccessDenied 403", result.Outcome("putReferer"));
        Assert.Equal("ok", result.Outcome("putVpce"));
    }
}
