using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class ListObjectsTests(ServerFixture server)
{
    [Fact]
    public async Task V1_marker_pagination()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        foreach (var k in new[] { "k1", "k2", "k3" })
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k });
        }
        var first = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, MaxKeys = 2 });
        Assert.True(first.IsTruncated);
        Assert.Equal(["k1", "k2"], first.S3Objects.Select(o => o.Key));
        var second = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, Marker = "k2" });
        Assert.Equal(["k3"], second.S3Objects.Select(o => o.Key));
    }
}
