using System.Text.Json;

namespace SseSim.Server.Tests.S3;

/// <summary>PUT ?logging with boto3: an empty BucketLoggingStatus (logging off, as it always is) succeeds; enabling logging is NotImplemented.</summary>
[Collection("S3")]
public sealed class PutBucketLoggingTests(ServerFixture server)
{
    [Fact]
    public async Task Turning_logging_off_is_accepted_and_enabling_it_is_not_implemented()
    {
        var output = await server.RunBoto3Async("""
out["off"] = error(s3.put_bucket_logging, Bucket=bucket, BucketLoggingStatus={})
out["status"] = "LoggingEnabled" in s3.get_bucket_logging(Bucket=bucket)
out["on"] = error(s3.put_bucket_logging, Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": bucket, "TargetPrefix": "logs/"}})
out["absent"] = error(s3.put_bucket_logging, Bucket=bucket + "-absent", BucketLoggingStatus={})
""");
        if (output is not { } o)
        {
            return;
        }
        Assert.Equal(JsonValueKind.Null, o.GetProperty("off").ValueKind);
        Assert.False(o.GetProperty("status").GetBoolean());
        Assert.Equal(("NotImplemented", 501), S3Clients.CodeAndStatus(o.GetProperty("on")));
        Assert.Equal(("NoSuchBucket", 404), S3Clients.CodeAndStatus(o.GetProperty("absent")));
    }
}
