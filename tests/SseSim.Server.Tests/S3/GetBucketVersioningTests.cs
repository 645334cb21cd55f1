using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

/// <summary>GetBucketVersioning reports a never-versioned bucket; PutBucketVersioning is refused, not ignored.</summary>
[Collection("S3")]
public sealed class GetBucketVersioningTests(ServerFixture server)
{
    [Fact]
    public async Task A_bucket_is_unversioned_and_stays_so()
    {
        using var s3 = server.S3();
        var bucket = await server.NewBucketAsync();
        var config = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket });
        Assert.Equal(VersionStatus.Off, config.VersioningConfig.Status);

        var enable = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        }));
        Assert.Equal(("NotImplemented", 501), (enable.ErrorCode, (int)enable.StatusCode));
        Assert.Equal(VersionStatus.Off, (await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);

        var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = S3Clients.NewBucketName() }));
        Assert.Equal("NoSuchBucket", missing.ErrorCode);
    }
}
