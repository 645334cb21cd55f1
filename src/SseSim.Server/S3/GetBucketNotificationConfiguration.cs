namespace SseSim.Server.S3;

/// <summary>GET /bucket?notification: no event notifications.</summary>
internal static class GetBucketNotificationConfiguration
{
    public static Task HandleAsync(S3Call call) =>
        BucketWithoutConfiguration.DefaultAsync(call, "NotificationConfiguration");
}
