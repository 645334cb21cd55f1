using System.Text.Json.Nodes;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>Reading request members, and the parameters SseSim refuses (services it does not simulate).</summary>
internal static class TrailRequest
{
    public static string? String(JsonObject request, string member) => request[member]?.GetValue<string>();

    public static bool? Bool(JsonObject request, string member) => request[member]?.GetValue<bool>();

    public static DateTimeOffset Now(TrailContext context) => context.Time.GetUtcNow();

    /// <summary>
    /// SNS notifications, CloudWatch Logs delivery and organization trails need services SseSim does not simulate:
    /// refused rather than accepted and silently not done.
    /// </summary>
    public static void RefuseUnsimulated(JsonObject request)
    {
        if (!string.IsNullOrEmpty(String(request, "SnsTopicName")))
        {
            throw new CloudTrailException("UnsupportedOperationException", "SseSim does not simulate Amazon SNS: SnsTopicName is not supported.");
        }
        if (!string.IsNullOrEmpty(String(request, "CloudWatchLogsLogGroupArn")) || !string.IsNullOrEmpty(String(request, "CloudWatchLogsRoleArn")))
        {
            throw new CloudTrailException("UnsupportedOperationException",
                "SseSim does not simulate CloudWatch Logs: CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn are not supported.");
        }
        if (Bool(request, "IsOrganizationTrail") == true)
        {
            // What CloudTrail answers an account that is not in an organization.
            throw new CloudTrailException("OrganizationsNotInUseException", "This account is not a member of an organization.");
        }
    }

    public static string? Prefix(JsonObject request)
    {
        var prefix = String(request, "S3KeyPrefix");
        if (prefix is { Length: > 200 })
        {
            throw new CloudTrailException("InvalidS3PrefixException", "S3 key prefix cannot be longer than 200 characters.");
        }
        return string.IsNullOrEmpty(prefix) ? null : prefix;
    }

    public static string Bucket(JsonObject request, bool required)
    {
        var bucket = String(request, "S3BucketName");
        if (string.IsNullOrEmpty(bucket) && required)
        {
            throw new CloudTrailException("InvalidS3BucketNameException", "S3 bucket name cannot be empty.");
        }
        return bucket ?? "";
    }

    /// <summary>Tags as CloudTrail checks them: key 1-128, value up to 256 characters, no aws: prefix.</summary>
    public static List<TrailTag> Tags(JsonNode? list)
    {
        var tags = new List<TrailTag>();
        foreach (var t in list as JsonArray ?? [])
        {
            var key = t?["Key"]?.GetValue<string>() ?? "";
            var value = t?["Value"]?.GetValue<string>();
            if (key.Length is < 1 or > 128 || value is { Length: > 256 } || key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                throw new CloudTrailException("InvalidTagParameterException",
                    "Tag keys must be 1-128 characters and tag values up to 256 characters, and a key may not start with aws:.");
            }
            tags.Add(new TrailTag(key, value));
        }
        return tags;
    }

    public static List<TrailTag> Merge(List<TrailTag> existing, List<TrailTag> added)
    {
        var merged = existing.Where(e => added.All(a => a.Key != e.Key)).Concat(added).ToList();
        if (merged.Count > 50)
        {
            throw new CloudTrailException("TagsLimitExceededException", "The number of tags per trail cannot exceed 50.");
        }
        return merged;
    }

    public static JsonArray TagList(IEnumerable<TrailTag> tags) =>
        [.. tags.Select(t => (JsonNode)(t.Value is null ? new JsonObject { ["Key"] = t.Key } : new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }))];
}
