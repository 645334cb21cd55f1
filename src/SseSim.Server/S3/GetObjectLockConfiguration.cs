namespace SseSim.Server.S3;

/// <summary>GET /bucket?object-lock: no bucket has Object Lock here.</summary>
internal static class GetObjectLockConfiguration
{
    public static Task HandleAsync(S3Call call) =>
        BucketWithoutConfiguration.NotFoundAsync(call, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket");
}
