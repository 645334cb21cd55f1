namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class DeleteObjectTests(ServerFixture server)
{
    [Fact]
    public async Task Delete_is_204_and_idempotent()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var first = await s3.DeleteObjectAsync(bucket, "k");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, first.HttpStatusCode);
        var again = await s3.DeleteObjectAsync(bucket, "k");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, again.HttpStatusCode);
    }

    [Fact]
    public async Task Bypass_governance_retention_on_a_bucket_without_Object_Lock_is_InvalidArgument_with_boto3()
    {
        // As recorded from AWS in LocalStack's test_s3_api.py TestS3ObjectLock::test_delete_object_with_no_locking.
        var r = await server.RunBoto3Async("""
            s3.put_object(Bucket=bucket, Key="k", Body=b"test")
            def details(call, **kwargs):
                try:
                    call(Bucket=bucket, **kwargs)
                    return None
                except ClientError as e:
                    err = e.response["Error"]
                    return [err["Code"], err["Message"], err.get("ArgumentName")]
            out["true"] = details(s3.delete_object, Key="k", BypassGovernanceRetention=True)
            out["false"] = details(s3.delete_object, Key="k", BypassGovernanceRetention=False)
            out["multi"] = details(s3.delete_objects, Delete={"Objects": [{"Key": "k"}]}, BypassGovernanceRetention=True)
            out["kept"] = s3.head_object(Bucket=bucket, Key="k")["ContentLength"]
            """);
        if (r is not { } result)
        {
            return;
        }
        foreach (var name in new[] { "true", "false", "multi" })
        {
            Assert.Equal(["InvalidArgument", "x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.", "x-amz-bypass-governance-retention"],
                result.GetProperty(name).EnumerateArray().Select(e => e.GetString()));
        }
        Assert.Equal(4, result.GetProperty("kept").GetInt32());
    }
}
