using System.Text.Json.Nodes;
using SseSim.Core.Aws;
using SseSim.Kms.Audit;

namespace SseSim.Server.CloudTrail;

/// <summary>
/// Changes the members given and keeps the others; a new bucket or prefix is checked as CreateTrail checks it, a new
/// key likewise, and an empty KmsKeyId stops encrypting with a key. Only in the trail's home Region.
/// </summary>
public static class UpdateTrail
{
    public static async Task<JsonObject> ExecuteAsync(TrailContext context, JsonObject request, Caller caller)
    {
        var trail = Trails.Find(context.Store, request, "Name", caller, change: true);
        TrailRequest.RefuseUnsimulated(request);
        var bucket = TrailRequest.String(request, "S3BucketName") is { Length: > 0 } b ? b : trail.S3BucketName;
        var prefix = request.ContainsKey("S3KeyPrefix") ? TrailRequest.Prefix(request) : trail.S3KeyPrefix;
        if (bucket != trail.S3BucketName || prefix != trail.S3KeyPrefix)
        {
            await TrailPolicies.CheckBucketAsync(context, caller, bucket, prefix);
        }
        var keyArn = trail.KmsKeyId;
        if (TrailRequest.String(request, "KmsKeyId") is { } keyId)
        {
            keyArn = keyId.Length == 0 ? null : await TrailPolicies.CheckKeyAsync(context, caller, keyId, bucket);
        }
        var includeGlobal = TrailRequest.Bool(request, "IncludeGlobalServiceEvents") ?? trail.IncludeGlobalServiceEvents;
        var multiRegion = TrailRequest.Bool(request, "IsMultiRegionTrail") ?? trail.IsMultiRegionTrail;
        if (multiRegion && !includeGlobal)
        {
            throw new CloudTrailException("InvalidParameterCombinationException", "Multi-Region trail must include global service events.");
        }
        var validation = TrailRequest.Bool(request, "EnableLogFileValidation") ?? trail.LogFileValidationEnabled;
        var updated = await context.Store.ChangeAsync(trail, t => t with
        {
            S3BucketName = bucket,
            S3KeyPrefix = prefix,
            KmsKeyId = keyArn,
            IncludeGlobalServiceEvents = includeGlobal,
            IsMultiRegionTrail = multiRegion,
            LogFileValidationEnabled = validation,
        }) ?? throw Trails.NotFound(request, "Name", caller);
        return Trails.Written(updated);
    }
}
