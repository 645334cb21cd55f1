using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>Naming rules, trail lookup and the trail's API shapes, shared by the trail operations.</summary>
internal static partial class Trails
{
    /// <summary>A trail name or ARN from the request, checked as CloudTrail checks names; ARNs are taken as they are.</summary>
    public static string RequiredName(JsonObject request, string member)
    {
        var name = request[member]?.GetValue<string>();
        if (string.IsNullOrEmpty(name))
        {
            throw new CloudTrailException("InvalidTrailNameException", "Trail name cannot be empty.");
        }
        if (name.StartsWith("arn:", StringComparison.Ordinal))
        {
            return name;
        }
        // CreateTrail's documented rules: 3-128 ASCII letters, digits, '.', '_', '-', starting and ending with a letter
        // or digit, no two of '.', '_', '-' together, and not an IP address.
        if (name.Length < 3)
        {
            throw new CloudTrailException("InvalidTrailNameException", $"Trail name too short. Minimum allowed length: 3 characters. Specified name length: {name.Length} characters.");
        }
        if (name.Length > 128)
        {
            throw new CloudTrailException("InvalidTrailNameException", $"Trail name too long. Maximum allowed length: 128 characters. Specified name length: {name.Length} characters.");
        }
        if (!AllowedChars().IsMatch(name))
        {
            throw new CloudTrailException("InvalidTrailNameException",
                "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).");
        }
        if (!char.IsAsciiLetterOrDigit(name[0]))
        {
            throw new CloudTrailException("InvalidTrailNameException", "Trail name must starts with a letter or number.");
        }
        if (!char.IsAsciiLetterOrDigit(name[^1]))
        {
            throw new CloudTrailException("InvalidTrailNameException", "Trail name must ends with a letter or number.");
        }
        if (AdjacentPunctuation().IsMatch(name) || System.Net.IPAddress.TryParse(name, out _) && name.Count(c => c == '.') == 3)
        {
            throw new CloudTrailException("InvalidTrailNameException", $"Trail name {name} is not valid.");
        }
        return name;
    }

    public static string Arn(string name, Caller caller) => name.StartsWith("arn:", StringComparison.Ordinal)
        ? name
        : $"arn:aws:cloudtrail:{caller.Region}:{caller.AccountId}:trail/{name}";

    /// <summary>
    /// AWS names the trail by ARN (GetTrailStatus) or as given (GetTrail), and the caller's account, as recorded in
    /// `aws cloudtrail get-trail-status` and `get-trail` transcripts.
    /// </summary>
    public static CloudTrailException NotFound(JsonObject request, string member, Caller caller, bool byArn = true)
    {
        var name = RequiredName(request, member);
        return new CloudTrailException("TrailNotFoundException", $"Unknown trail: {(byArn ? Arn(name, caller) : name)} for the user: {caller.AccountId}");
    }

    [GeneratedRegex("^arn:aws[a-z-]*:cloudtrail:([a-z0-9-]+):([0-9]{12}):trail/(.+)$")]
    private static partial Regex TrailArnPattern();

    /// <summary>(Region, account, name) of a trail ARN, or CloudTrailARNInvalidException.</summary>
    public static (string Region, string Account, string Name) ParseArn(string arn)
    {
        var m = TrailArnPattern().Match(arn);
        if (!m.Success)
        {
            throw new CloudTrailException("CloudTrailARNInvalidException",
                $"Invalid trail ARN: {arn}. The ARN must be in the format arn:aws:cloudtrail:region:account-id:trail/trail-name.");
        }
        return (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value);
    }

    /// <summary>
    /// The caller's trail named by <paramref name="member"/> (a name or ARN): a trail of the caller's Region, or a
    /// multi-Region trail seen from another Region (its shadow). A change must be made in the trail's home Region.
    /// </summary>
    public static TrailRecord Find(TrailStore store, JsonObject request, string member, Caller caller, bool change, bool notFoundByArn = true)
    {
        var given = RequiredName(request, member);
        TrailRecord? trail;
        if (given.StartsWith("arn:", StringComparison.Ordinal))
        {
            var (region, account, name) = ParseArn(given);
            trail = account == caller.AccountId ? store.Find(account, region, name) : null;
            if (trail is not null && trail.HomeRegion != caller.Region && !trail.IsMultiRegionTrail)
            {
                trail = null;
            }
        }
        else
        {
            trail = store.Find(caller.AccountId, caller.Region, given)
                ?? store.OfAccount(caller.AccountId).FirstOrDefault(t => t.Name == given && t.IsMultiRegionTrail);
        }
        if (trail is null)
        {
            throw NotFound(request, member, caller, notFoundByArn);
        }
        if (change && trail.HomeRegion != caller.Region)
        {
            throw new CloudTrailException("InvalidHomeRegionException",
                $"The request was made in {caller.Region}, but trail {trail.Arn} can only be changed in its home Region, {trail.HomeRegion}.");
        }
        return trail;
    }

    /// <summary>The Trail shape of GetTrail and DescribeTrails.</summary>
    public static JsonObject Describe(TrailRecord t)
    {
        var o = new JsonObject
        {
            ["Name"] = t.Name,
            ["S3BucketName"] = t.S3BucketName,
        };
        if (t.S3KeyPrefix is not null)
        {
            o["S3KeyPrefix"] = t.S3KeyPrefix;
        }
        o["IncludeGlobalServiceEvents"] = t.IncludeGlobalServiceEvents;
        o["IsMultiRegionTrail"] = t.IsMultiRegionTrail;
        o["HomeRegion"] = t.HomeRegion;
        o["TrailARN"] = t.Arn;
        o["LogFileValidationEnabled"] = t.LogFileValidationEnabled;
        if (t.KmsKeyId is not null)
        {
            o["KmsKeyId"] = t.KmsKeyId;
        }
        o["HasCustomEventSelectors"] = t.EventSelectors is not null || t.AdvancedEventSelectors is not null;
        o["HasInsightSelectors"] = t.InsightSelectors is not null;
        o["IsOrganizationTrail"] = false;
        return o;
    }

    /// <summary>CreateTrail's and UpdateTrail's response: the trail without HomeRegion and the selector flags.</summary>
    public static JsonObject Written(TrailRecord t)
    {
        var o = Describe(t);
        o.Remove("HomeRegion");
        o.Remove("HasCustomEventSelectors");
        o.Remove("HasInsightSelectors");
        return o;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex AllowedChars();

    [GeneratedRegex("[._-]{2}")]
    private static partial Regex AdjacentPunctuation();
}
