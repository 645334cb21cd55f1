using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

/// <summary>Bucket tagging with AWSSDK.S3: NoSuchTagSet until set, replace, delete, 50-tag limit, DeleteBucketTagging authorized as s3:PutBucketTagging.</summary>
[Collection("S3")]
public sealed class PutBucketTaggingTests(ServerFixture server)
{
    [Fact]
    public async Task Bucket_tags_are_set_replaced_and_deleted()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        var none = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket }));
        Assert.Equal("NoSuchTagSet", none.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);

        var put = await s3.PutBucketTaggingAsync(new PutBucketTaggingRequest
        {
            BucketName = bucket,
            TagSet = [new Tag { Key = "team", Value = "storage" }, new Tag { Key = "cost-center", Value = "42" }],
        });
        Assert.Equal(HttpStatusCode.NoContent, put.HttpStatusCode);
        var got = await s3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket });
        Assert.Equal(["cost-center=42", "team=storage"], got.TagSet.Select(t => t.Key + "=" + t.Value));

        await s3.PutBucketTaggingAsync(new PutBucketTaggingRequest { BucketName = bucket, TagSet = [.. Enumerable.Range(0, 50).Select(i => new Tag { Key = "k" + i, Value = "v" })] });
        Assert.Equal(50, (await s3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket })).TagSet.Count);
        var tooMany = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutBucketTaggingAsync(new PutBucketTaggingRequest
        {
            BucketName = bucket,
            TagSet = [.. Enumerable.Range(0, 51).Select(i => new Tag { Key = "k" + i, Value = "v" })],
        }));
        Assert.Equal("BadRequest", tooMany.ErrorCode);
        Assert.Equal("Bucket tag count cannot be greater than 50", tooMany.Message);
        var system = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutBucketTaggingAsync(new PutBucketTaggingRequest
        {
            BucketName = bucket,
            TagSet = [new Tag { Key = "aws:cloudformation:stack-name", Value = "s" }],
        }));
        Assert.Equal("InvalidTag", system.ErrorCode);
        var malformed = await RawS3.SendAsync(server, HttpMethod.Put, $"/{bucket}?tagging", Encoding.UTF8.GetBytes("<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("<Code>MalformedXML</Code>", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var deleted = await s3.DeleteBucketTaggingAsync(new DeleteBucketTaggingRequest { BucketName = bucket });
        Assert.Equal(HttpStatusCode.NoContent, deleted.HttpStatusCode);
        var gone = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket }));
        Assert.Equal("NoSuchTagSet", gone.ErrorCode);
        var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = "no-such-bucket-tags" }));
        Assert.Equal("NoSuchBucket", missing.ErrorCode);
    }

    [Fact]
    public async Task DeleteBucketTagging_is_authorized_as_PutBucketTagging()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        await s3.PutBucketTaggingAsync(new PutBucketTaggingRequest { BucketName = bucket, TagSet = [new Tag { Key = "a", Value = "1" }] });
        await s3.PutBucketPolicyAsync(bucket, $$"""
        {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutBucketTagging","Resource":"arn:aws:s3:::{{bucket}}"}]}
        """);
        var denied = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.DeleteBucketTaggingAsync(new DeleteBucketTaggingRequest { BucketName = bucket }));
        Assert.Equal("AccessDenied", denied.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutBucketTaggingAsync(new PutBucketTaggingRequest { BucketName = bucket, TagSet = [new Tag { Key = "b", Value = "2" }] }));
        Assert.Single((await s3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket })).TagSet);
        await s3.DeleteBucketPolicyAsync(bucket);
        await s3.DeleteBucketTaggingAsync(new DeleteBucketTaggingRequest { BucketName = bucket });
    }
}
