namespace SseSim.Server.Tests.S3;

/// <summary>
/// The bucket configurations SseSim does not hold read as on an AWS bucket that never had them (what Terraform and
/// other tools read after creating a bucket), deletes succeed with nothing to remove, and puts of those SseSim does not
/// store stay NotImplemented (CORS and lifecycle are stored: BucketConfigurationTests).
/// Driven with boto3, so the error codes are the ones botocore parses.
/// </summary>
[Collection("S3")]
public sealed class BucketWithoutConfigurationTests(ServerFixture server)
{
    [Fact]
    public async Task Reads_answer_as_for_a_new_aws_bucket_and_puts_are_not_implemented()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        var bucket = await server.NewBucketAsync();
        var output = await server.RunPythonAsync("""
import os, sys, boto3
from botocore.exceptions import ClientError
s3 = boto3.client("s3", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
b = sys.argv[1]
def error(f, **kw):
    try:
        f(**kw)
    except ClientError as e:
        return (e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"])
    raise AssertionError("no error from %s" % f)
for f, code in [(s3.get_bucket_cors, "NoSuchCORSConfiguration"), (s3.get_bucket_website, "NoSuchWebsiteConfiguration"),
                (s3.get_bucket_lifecycle_configuration, "NoSuchLifecycleConfiguration"),
                (s3.get_bucket_replication, "ReplicationConfigurationNotFoundError"),
                (s3.get_object_lock_configuration, "ObjectLockConfigurationNotFoundError")]:
    assert error(f, Bucket=b) == (404, code), (f, error(f, Bucket=b))
    assert error(f, Bucket=b + "-absent") == (404, "NoSuchBucket")
assert "Status" not in s3.get_bucket_accelerate_configuration(Bucket=b)
assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=b)
n = s3.get_bucket_notification_configuration(Bucket=b)
assert not any(k in n for k in ("TopicConfigurations", "QueueConfigurations", "LambdaFunctionConfigurations")), n
assert s3.get_bucket_request_payment(Bucket=b)["Payer"] == "BucketOwner"
assert s3.get_bucket_ownership_controls(Bucket=b)["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
for f in (s3.delete_bucket_cors, s3.delete_bucket_website, s3.delete_bucket_lifecycle, s3.delete_bucket_replication):
    assert f(Bucket=b)["ResponseMetadata"]["HTTPStatusCode"] == 204
assert error(s3.put_bucket_website, Bucket=b, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}}) == (501, "NotImplemented")
assert error(s3.put_bucket_replication, Bucket=b, ReplicationConfiguration={"Role": "arn:aws:iam::123456789012:role/r", "Rules": [
    {"Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""}, "DeleteMarkerReplication": {"Status": "Disabled"},
     "Destination": {"Bucket": "arn:aws:s3:::other"}}]}) == (501, "NotImplemented")
print("CONFIG OK")
""", bucket);
        Assert.Contains("CONFIG OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutBucketAccelerateConfiguration_checks_the_status_and_bucket_name_before_answering_not_implemented_with_boto3()
    {
        // Recorded from AWS: LocalStack test_s3_api.py TestS3BucketAccelerateConfiguration::test_bucket_acceleration_configuration_exc.
        var r = await server.RunBoto3Async("""
            def put(b, status):
                return error(s3.put_bucket_accelerate_configuration, Bucket=b, AccelerateConfiguration={"Status": status})
            out["lowercase"] = put(bucket, "enabled")
            out["random"] = put(bucket, "random")
            out["enabled"] = put(bucket, "Enabled")
            dotted = "accelerate." + hashlib.md5(bucket.encode()).hexdigest()
            s3.create_bucket(Bucket=dotted)
            out["dotted"] = put(dotted, "Enabled")
            out["absent"] = put(bucket + "-absent", "Enabled")
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("[\"MalformedXML\", 400, \"The XML you provided was not well-formed or did not validate against our published schema\"]", result.GetProperty("lowercase").GetRawText());
        Assert.Equal("MalformedXML 400", result.Outcome("random"));
        Assert.Equal("NotImplemented 501", result.Outcome("enabled"));
        Assert.Equal("[\"InvalidRequest\", 400, \"S3 Transfer Acceleration is not supported for buckets with periods (.) in their names\"]", result.GetProperty("dotted").GetRawText());
        Assert.Equal("NoSuchBucket 404", result.Outcome("absent"));
    }

    [Fact]
    public async Task Configurations_kept_by_id_list_empty_and_name_none_with_boto3()
    {
        // Analytics, inventory, metrics and Intelligent-Tiering: what inventory scanners and Terraform read. AWS's
        // NoSuchConfiguration (404) answers an unknown id on Get and Delete alike; puts stay NotImplemented.
        var r = await server.RunBoto3Async("""
            for kind, key in [("analytics", "AnalyticsConfigurationList"), ("inventory", "InventoryConfigurationList"),
                              ("metrics", "MetricsConfigurationList"), ("intelligent_tiering", "IntelligentTieringConfigurationList")]:
                listed = getattr(s3, "list_bucket_%s_configurations" % kind)(Bucket=bucket)
                out[kind + "-list"] = [listed["IsTruncated"], key in listed]
                out[kind + "-get"] = error(getattr(s3, "get_bucket_%s_configuration" % kind), Bucket=bucket, Id="cfg")
                out[kind + "-delete"] = error(getattr(s3, "delete_bucket_%s_configuration" % kind), Bucket=bucket, Id="cfg")
                out[kind + "-absent"] = error(getattr(s3, "list_bucket_%s_configurations" % kind), Bucket=bucket + "-absent")
            out["put-metrics"] = error(s3.put_bucket_metrics_configuration, Bucket=bucket, Id="cfg", MetricsConfiguration={"Id": "cfg"})
            """);
        if (r is not { } result)
        {
            return;
        }
        foreach (var kind in new[] { "analytics", "inventory", "metrics", "intelligent_tiering" })
        {
            Assert.Equal("[false, false]", result.GetProperty(kind + "-list").GetRawText());
            Assert.Equal("[\"NoSuchConfiguration\", 404, \"The specified configuration does not exist.\"]", result.GetProperty(kind + "-get").GetRawText());
            Assert.Equal("NoSuchConfiguration 404", result.Outcome(kind + "-delete"));
            Assert.Equal("NoSuchBucket 404", result.Outcome(kind + "-absent"));
        }
        Assert.Equal("NotImplemented 501", result.Outcome("put-metrics"));
    }
}
