using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class DeleteObjectsTests(ServerFixture server)
{
    [Fact]
    public async Task Deletes_many_and_quiet_mode_reports_nothing()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        foreach (var k in new[] { "a", "b c", "d/ü" })
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k });
        }
        var verbose = await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = [new KeyVersion { Key = "a" }, new KeyVersion { Key = "b c" }] });
        Assert.Equal(["a", "b c"], verbose.DeletedObjects.Select(d => d.Key).Order(StringComparer.Ordinal));
        var quiet = await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Quiet = true, Objects = [new KeyVersion { Key = "d/ü" }] });
        Assert.True(quiet.DeletedObjects is null or { Count: 0 });
        var list = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.True(list.S3Objects is null or { Count: 0 });
    }
}
