using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SseSim.Core.Aws;
using SseSim.Kms;
using SseSim.Kms.Audit;
using SseSim.Objects;

namespace SseSim.Server.CloudTrail;

/// <summary>
/// CreateTrail's and UpdateTrail's checks of the delivery bucket and the KMS key, as CloudTrail makes them before it
/// accepts a trail (CloudTrail user guide, "Amazon S3 bucket policy for CloudTrail" and "Configure AWS KMS key policies
/// for CloudTrail"): the bucket exists, its policy lets <c>cloudtrail.amazonaws.com</c> call s3:GetBucketAcl on it and
/// s3:PutObject under <c>[prefix/]AWSLogs/ACCOUNT/</c>, and the key's policy lets it call kms:GenerateDataKey*.
/// Only Allow statements with a Service (or "*") principal are read; their conditions (aws:SourceArn, s3:x-amz-acl)
/// are not evaluated.
/// </summary>
internal static class TrailPolicies
{
    public const string Service = "cloudtrail.amazonaws.com";

    public static async Task CheckBucketAsync(TrailContext context, Caller caller, string bucket, string? prefix)
    {
        string policy;
        try
        {
            policy = await context.Objects.GetBucketPolicyAsync(caller, bucket);
        }
        catch (S3Exception e) when (e.Code == S3ErrorCode.NoSuchBucket)
        {
            throw new CloudTrailException("S3BucketDoesNotExistException", $"S3 bucket {bucket} does not exist.");
        }
        catch (S3Exception)
        {
            // No policy, or another account's bucket (SseSim has no cross-account bucket access to check).
            throw InsufficientBucketPolicy(bucket);
        }
        var objects = $"arn:aws:s3:::{bucket}/{(string.IsNullOrEmpty(prefix) ? "" : prefix + "/")}AWSLogs/{caller.AccountId}/";
        if (!Allows(policy, "s3:GetBucketAcl", $"arn:aws:s3:::{bucket}")
            || !Allows(policy, "s3:PutObject", objects + "*"))
        {
            throw InsufficientBucketPolicy(bucket);
        }
    }

    // Recorded from AWS (awsdocs/aws-cloudtrail-user-guide#24, hashicorp/terraform#6388).
    private static CloudTrailException InsufficientBucketPolicy(string bucket) =>
        new("InsufficientS3BucketPolicyException", $"Incorrect S3 bucket policy is detected for bucket: {bucket}");

    /// <summary>The key's ARN, once its policy lets CloudTrail generate data keys.</summary>
    public static async Task<string> CheckKeyAsync(TrailContext context, Caller caller, string keyId, string bucket)
    {
        SseSim.Kms.Model.KmsKey key;
        try
        {
            key = await context.Kms.Resolver.ResolveAsync(caller, keyId, KeyIdForms.KeyOrAlias);
        }
        catch (KmsException)
        {
            throw new CloudTrailException("KmsKeyNotFoundException", $"KMS key {keyId} not found.");
        }
        if (!key.Enabled)
        {
            throw new CloudTrailException("KmsException", $"KMS key {key.Arn} is not enabled (its state is {key.KeyState}).");
        }
        if (!Allows(key.Policy, "kms:GenerateDataKey", resource: null))
        {
            // Recorded from AWS (Azure/Azure-Sentinel#12242, aws/aws-cdk#23391).
            throw new CloudTrailException("InsufficientEncryptionPolicyException",
                $"Insufficient permissions to access S3 bucket {bucket} or KMS key {key.Arn}.");
        }
        return key.Arn;
    }

    /// <summary>True if an Allow statement for CloudTrail's service principal covers the action (and resource).</summary>
    internal static bool Allows(string policy, string action, string? resource)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(policy);
        }
        catch (JsonException)
        {
            return false;
        }
        var statements = root?["Statement"] switch
        {
            JsonArray a => a.ToList(),
            JsonObject o => [o],
            _ => [],
        };
        foreach (var s in statements.OfType<JsonObject>())
        {
            if (s["Effect"]?.ToString() != "Allow" || !NamesCloudTrail(s["Principal"]))
            {
                continue;
            }
            if (!Strings(s["Action"]).Any(a => Glob(a, action, ignoreCase: true)))
            {
                continue;
            }
            if (resource is null || Strings(s["Resource"]).Any(r => Glob(r, resource, ignoreCase: false)))
            {
                return true;
            }
        }
        return false;
    }

    private static bool NamesCloudTrail(JsonNode? principal) => principal switch
    {
        JsonValue v => v.ToString() == "*",
        JsonObject o => Strings(o["Service"]).Contains(Service) || Strings(o["AWS"]).Contains("*"),
        _ => false,
    };

    private static List<string> Strings(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        JsonArray a => [.. a.Select(x => x?.ToString() ?? "")],
        _ => [],
    };

    /// <summary>IAM's wildcard match: <c>*</c> any run of characters, <c>?</c> one.</summary>
    internal static bool Glob(string pattern, string value, bool ignoreCase) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.Singleline | RegexOptions.CultureInvariant);
}
