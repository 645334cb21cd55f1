using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>Naming rules and the "no such trail" answer shared by the trail operations (SseSim has no trails).</summary>
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

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex AllowedChars();

    [GeneratedRegex("[._-]{2}")]
    private static partial Regex AdjacentPunctuation();
}
