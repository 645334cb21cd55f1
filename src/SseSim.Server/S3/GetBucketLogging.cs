namespace SseSim.Server.S3;

/// <summary>GET /bucket?logging: server access logging is off.</summary>
internal static class GetBucketLogging
{
    public static Task HandleAsync(S3Call call) =>
        BucketWithoutConfiguration.DefaultAsync(call, "BucketLoggingStatus");
}
