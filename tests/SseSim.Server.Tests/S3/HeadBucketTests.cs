namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class HeadBucketTests(ServerFixture server)
{
    [Fact]
    public async Task HeadBucket_answers_the_region_access_point_alias_and_content_type_headers_with_boto3()
    {
        // Recorded from AWS: LocalStack test_s3.py TestS3::test_create_bucket_head_bucket (head_bucket_filtered_header).
        var r = await server.RunBoto3Async("""
            headers = s3.head_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPHeaders"]
            out["headers"] = [headers.get("x-amz-bucket-region"), headers.get("x-amz-access-point-alias"), headers.get("content-type")]
            out["arn"] = s3.head_bucket(Bucket=bucket).get("BucketArn")
            out["bucket"] = bucket
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("[\"us-east-1\", \"false\", \"application/xml\"]", result.GetProperty("headers").GetRawText());
        // Real aws s3api head-bucket output for a general purpose bucket carries BucketArn (arn:aws:s3:::name), although
        // botocore's model documents it for directory buckets only.
        Assert.Equal("arn:aws:s3:::" + result.GetProperty("bucket").GetString(), result.GetProperty("arn").GetString());
    }
}
