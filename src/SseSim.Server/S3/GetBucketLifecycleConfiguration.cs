namespace SseSim.Server.S3;

/// <summary>GET /bucket?lifecycle: no bucket has lifecycle rules here.</summary>
internal static class GetBucketLifecycleConfiguration
{
    public static Task HandleAsync(S3Call call) =>
        BucketWithoutConfiguration.NotFoundAsync(call, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist");
}
