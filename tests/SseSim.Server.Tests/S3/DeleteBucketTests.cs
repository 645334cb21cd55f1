namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class DeleteBucketTests(ServerFixture server)
{
    [Fact]
    public async Task BucketNotEmpty_asks_for_every_version_to_be_deleted_once_the_bucket_is_versioned_with_boto3()
    {
        // As recorded from AWS in LocalStack's test_s3_api.py TestS3BucketCRUD::test_delete_bucket_with_objects and
        // ::test_delete_versioned_bucket_with_objects.
        var r = await server.RunBoto3Async("""
            s3.put_object(Bucket=bucket, Key="k", Body=b"x")
            out["plain"] = error(s3.delete_bucket, Bucket=bucket)
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
            out["versioned"] = error(s3.delete_bucket, Bucket=bucket)
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("BucketNotEmpty 409", result.Outcome("plain"));
        Assert.Equal("The bucket you tried to delete is not empty", result.GetProperty("plain")[2].GetString());
        Assert.Equal("BucketNotEmpty 409", result.Outcome("versioned"));
        Assert.Equal("The bucket you tried to delete is not empty. You must delete all versions in the bucket.", result.GetProperty("versioned")[2].GetString());
    }
}
