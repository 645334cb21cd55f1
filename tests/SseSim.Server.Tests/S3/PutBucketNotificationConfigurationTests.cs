using System.Text.Json;

namespace SseSim.Server.Tests.S3;

/// <summary>PUT ?notification with boto3: an empty configuration (no notifications, as a bucket always has) succeeds; configuring a destination is NotImplemented.</summary>
[Collection("S3")]
public sealed class PutBucketNotificationConfigurationTests(ServerFixture server)
{
    [Fact]
    public async Task An_empty_configuration_is_accepted_and_destinations_are_not_implemented()
    {
        var output = await server.RunBoto3Async("""
out["empty"] = error(s3.put_bucket_notification_configuration, Bucket=bucket, NotificationConfiguration={})
n = s3.get_bucket_notification_configuration(Bucket=bucket)
out["listed"] = [k for k in ("TopicConfigurations", "QueueConfigurations", "LambdaFunctionConfigurations", "EventBridgeConfiguration") if k in n]
out["queue"] = error(s3.put_bucket_notification_configuration, Bucket=bucket, NotificationConfiguration={
    "QueueConfigurations": [{"QueueArn": "arn:aws:sqs:us-east-1:000000000000:q", "Events": ["s3:ObjectCreated:*"]}]})
out["eventbridge"] = error(s3.put_bucket_notification_configuration, Bucket=bucket, NotificationConfiguration={"EventBridgeConfiguration": {}})
""");
        if (output is not { } o)
        {
            return;
        }
        Assert.Equal(JsonValueKind.Null, o.GetProperty("empty").ValueKind);
        Assert.Equal(0, o.GetProperty("listed").GetArrayLength());
        Assert.Equal(("NotImplemented", 501), S3Clients.CodeAndStatus(o.GetProperty("queue")));
        Assert.Equal(("NotImplemented", 501), S3Clients.CodeAndStatus(o.GetProperty("eventbridge")));
    }
}
