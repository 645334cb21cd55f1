using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

/// <summary>Object and bucket tags are in the FASTER-persisted records, so they survive a restart.</summary>
public sealed class TaggingRestartTests : IAsyncLifetime
{
    private readonly ServerFixture _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Tags_survive_a_restart()
    {
        var bucket = await _server.NewBucketAsync();
        using (var s3 = _server.S3())
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", TagSet = [new Tag { Key = "at", Value = "put" }] });
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "later", ContentBody = "y" });
            await s3.PutObjectTaggingAsync(new PutObjectTaggingRequest { BucketName = bucket, Key = "later", Tagging = new Tagging { TagSet = [new Tag { Key = "at", Value = "tagging" }] } });
            await s3.PutBucketTaggingAsync(new PutBucketTaggingRequest { BucketName = bucket, TagSet = [new Tag { Key = "b", Value = "1" }] });
        }

        await _server.RestartAsync();

        using (var s3 = _server.S3())
        {
            Assert.Equal("put", (await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k" })).Tagging.Single().Value);
            Assert.Equal("tagging", (await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "later" })).Tagging.Single().Value);
            Assert.Equal("b", (await s3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket })).TagSet.Single().Key);
            using var get = await s3.GetObjectAsync(bucket, "later");
            Assert.Equal(1, get.TagCount);
            Assert.Equal("y", await new StreamReader(get.ResponseStream).ReadToEndAsync());
        }
    }
}
