using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>
/// A trail in the caller's account and Region, not logging yet (CloudTrail starts a trail made through the API only at
/// StartLogging). The bucket and key checks are <see cref="TrailPolicies"/>'.
/// </summary>
public static class CreateTrail
{
    public static async Task<JsonObject> ExecuteAsync(TrailContext context, JsonObject request, Caller caller)
    {
        var name = Trails.RequiredName(request, "Name");
        if (name.StartsWith("arn:", StringComparison.Ordinal))
        {
            throw new CloudTrailException("InvalidTrailNameException",
                "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).");
        }
        var bucket = TrailRequest.Bucket(request, required: true);
        var prefix = TrailRequest.Prefix(request);
        TrailRequest.RefuseUnsimulated(request);
        var tags = TrailRequest.Merge([], TrailRequest.Tags(request["TagsList"]));
        CheckRoom(context, caller, name);
        await TrailPolicies.CheckBucketAsync(context, caller, bucket, prefix);
        var keyArn = TrailRequest.String(request, "KmsKeyId") is { Length: > 0 } keyId
            ? await TrailPolicies.CheckKeyAsync(context, caller, keyId, bucket)
            : null;
        var trail = new TrailRecord
        {
            Name = name,
            AccountId = caller.AccountId,
            HomeRegion = caller.Region,
            S3BucketName = bucket,
            S3KeyPrefix = prefix,
            IncludeGlobalServiceEvents = TrailRequest.Bool(request, "IncludeGlobalServiceEvents") ?? true,
            IsMultiRegionTrail = TrailRequest.Bool(request, "IsMultiRegionTrail") ?? false,
            LogFileValidationEnabled = TrailRequest.Bool(request, "EnableLogFileValidation") ?? false,
            KmsKeyId = keyArn,
            Tags = tags,
        };
        if (trail.IsMultiRegionTrail && !trail.IncludeGlobalServiceEvents)
        {
            throw new CloudTrailException("InvalidParameterCombinationException",
                "Multi-Region trail must include global service events.");
        }
        await context.Store.UpdateAsync(() =>
        {
            CheckRoom(context, caller, name);
            return (0, new[] { TrailStore.Put(trail) });
        });
        return Trails.Written(trail);
    }

    private static void CheckRoom(TrailContext context, Caller caller, string name)
    {
        var trails = context.Store.OfAccount(caller.AccountId);
        if (trails.Any(t => t.Name == name && (t.HomeRegion == caller.Region || t.IsMultiRegionTrail)))
        {
            // Recorded from AWS (a Terraform CreateTrail failure quoted in public CI logs).
            throw new CloudTrailException("TrailAlreadyExistsException", $"Trail {name} already exists for customer: {caller.AccountId}");
        }
        if (trails.Count(t => t.HomeRegion == caller.Region) >= TrailContext.MaxTrailsPerRegion)
        {
            // Recorded from AWS (Terraform CreateTrail failures quoted in public CI logs).
            throw new CloudTrailException("MaximumNumberOfTrailsExceededException",
                $"User: {caller.AccountId} already has {TrailContext.MaxTrailsPerRegion} trails in {caller.Region}.");
        }
    }
}
