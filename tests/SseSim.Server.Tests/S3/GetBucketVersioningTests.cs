using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

/// <summary>
/// GetBucketVersioning reports a never-versioned bucket (an empty configuration), then Enabled or Suspended; MFA delete
/// is refused, not ignored, and a malformed document is MalformedXML.
/// </summary>
[Collection("S3")]
public sealed class GetBucketVersioningTests(ServerFixture server)
{
    [Fact]
    public async Task A_bucket_is_unversioned_until_enabled_and_then_enabled_or_suspended()
    {
        using var s3 = server.S3();
        var bucket = await server.NewBucketAsync();
        var config = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket });
        Assert.Equal(VersionStatus.Off, config.VersioningConfig.Status);

        foreach (var status in new[] { VersionStatus.Enabled, VersionStatus.Suspended, VersionStatus.Enabled })
        {
            await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = bucket,
                VersioningConfig = new S3BucketVersioningConfig { Status = status },
            });
            Assert.Equal(status, (await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);
        }

        var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = S3Clients.NewBucketName() }));
        Assert.Equal("NoSuchBucket", missing.ErrorCode);
    }

    [Fact]
    public async Task Suspended_with_boto3_and_a_malformed_status()
    {
        var r = await server.RunBoto3Async("""
            out["before"] = s3.get_bucket_versioning(Bucket=bucket).get("Status")
            out["bad"] = error(s3.put_bucket_versioning, Bucket=bucket, VersioningConfiguration={"Status": "Paused"})
            out["mfa"] = error(s3.put_bucket_versioning, Bucket=bucket, VersioningConfiguration={"Status": "Suspended", "MFADelete": "Enabled"}, MFA="serial 123456")
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
            out["after"] = s3.get_bucket_versioning(Bucket=bucket).get("Status")
            s3.put_object(Bucket=bucket, Key="k", Body=b"v")
            out["versions"] = [v["VersionId"] for v in s3.list_object_versions(Bucket=bucket)["Versions"]]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal(System.Text.Json.JsonValueKind.Null, result.GetProperty("before").ValueKind);
        Assert.Equal("MalformedXML 400", result.Outcome("bad"));
        Assert.Equal("NotImplemented 501", result.Outcome("mfa"));
        Assert.Equal("Suspended", result.GetProperty("after").GetString());
        Assert.Equal("[\"null\"]", result.GetProperty("versions").GetRawText());
    }
}
