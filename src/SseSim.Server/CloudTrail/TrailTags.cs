using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>The trail a tagging call's ResourceId names: a trail ARN of the caller's account.</summary>
internal static class TrailTags
{
    public static TrailRecord Resolve(TrailContext context, string? resourceId, Caller caller)
    {
        if (string.IsNullOrEmpty(resourceId))
        {
            throw new CloudTrailException("ResourceNotFoundException", "Resource ID cannot be empty.");
        }
        if (!resourceId.StartsWith("arn:", StringComparison.Ordinal))
        {
            throw new CloudTrailException("CloudTrailARNInvalidException", $"Invalid trail ARN: {resourceId}. The ARN must be in the format arn:aws:cloudtrail:region:account-id:trail/trail-name.");
        }
        var (region, account, name) = Trails.ParseArn(resourceId);
        return (account == caller.AccountId ? context.Store.Find(account, region, name) : null)
            ?? throw new CloudTrailException("ResourceNotFoundException", $"Resource not found: {resourceId}.");
    }
}
