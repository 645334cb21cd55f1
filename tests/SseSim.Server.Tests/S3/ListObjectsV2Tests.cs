using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class ListObjectsV2Tests(ServerFixture server)
{
    [Fact]
    public async Task Prefix_delimiter_pagination_and_start_after()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        foreach (var k in new[] { "a/1", "a/2", "b/1", "c", "d", "e ü+" })
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k });
        }
        var top = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/" });
        Assert.Equal(["a/", "b/"], top.CommonPrefixes);
        Assert.Equal(["c", "d", "e ü+"], top.S3Objects.Select(o => o.Key));

        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 2, ContinuationToken = token, FetchOwner = true });
            keys.AddRange(page.S3Objects.Select(o => o.Key));
            Assert.All(page.S3Objects, o => Assert.NotNull(o.Owner));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        Assert.Equal(["a/1", "a/2", "b/1", "c", "d", "e ü+"], keys);

        var after = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, StartAfter = "b/1", Prefix = "" });
        Assert.Equal(["c", "d", "e ü+"], after.S3Objects.Select(o => o.Key));
        var prefixed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "a/" });
        Assert.Equal(2, prefixed.KeyCount);
    }

    [Fact]
    public async Task Url_encoding_type_encodes_keys()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "sp ace/ü", ContentBody = "x" });
        var response = await RawS3.SendAsync(server, HttpMethod.Get, $"/{bucket}?list-type=2&encoding-type=url");
        var xml = await response.Content.ReadAsStringAsync();
        Assert.Contains("<Key>sp%20ace/%C3%BC</Key>", xml, StringComparison.Ordinal);
    }
}
