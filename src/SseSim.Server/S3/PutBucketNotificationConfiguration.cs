namespace SseSim.Server.S3;

/// <summary>
/// PUT /bucket?notification: an empty &lt;NotificationConfiguration/&gt; removes every notification, and a bucket in
/// SseSim has none; configuring topics, queues, Lambda functions or EventBridge is NotImplemented.
/// </summary>
internal static class PutBucketNotificationConfiguration
{
    private static readonly HashSet<string> Kinds = new(StringComparer.Ordinal)
    {
        "TopicConfiguration", "QueueConfiguration", "CloudFunctionConfiguration", "EventBridgeConfiguration",
    };

    public static Task HandleAsync(S3Call call) =>
        BucketDefaultConfiguration.AcceptDefaultAsync(call, "NotificationConfiguration", body => body.Elements().Any(e => !Kinds.Contains(e.Name.LocalName))
            ? null
            : !body.Elements().Any(), "Event notifications");
}
