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
        var badXml = Encoding.UTF8.GetBytes("<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>");
        var malformed = await RawS3.SendAsync(server, HttpMethod.Put, $"/{bucket}?tagging", badXml,
            new() { ["Content-MD5"] = Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(badXml)) });
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

    [Fact]
    public async Task Needs_Content_MD5_or_a_flexible_checksum_and_checks_them_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            tagging = {"TagSet": [{"Key": "env", "Value": "test"}]}
            none = {"Content-MD5": None, "x-amz-checksum-crc32": None, "x-amz-sdk-checksum-algorithm": None}
            out["none"] = with_headers("PutBucketTagging", none, s3.put_bucket_tagging, Bucket=bucket, Tagging=tagging)
            out["wrongMd5"] = with_headers("PutBucketTagging", dict(none, **{"Content-MD5": md5(b"x")}), s3.put_bucket_tagging, Bucket=bucket, Tagging=tagging)
            out["wrongSha256"] = with_headers("PutBucketTagging", {"x-amz-checksum-crc32": None, "x-amz-sdk-checksum-algorithm": "SHA256",
                                               "x-amz-checksum-sha256": base64.b64encode(hashlib.sha256(b"x").digest()).decode()},
                                              s3.put_bucket_tagging, Bucket=bucket, Tagging=tagging)
            out["stored"] = error(s3.get_bucket_tagging, Bucket=bucket)
            out["default"] = error(s3.put_bucket_tagging, Bucket=bucket, Tagging=tagging)
            out["tags"] = s3.get_bucket_tagging(Bucket=bucket)["TagSet"]
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("InvalidRequest 400", result.Outcome("none"));
        Assert.Equal("BadDigest 400", result.Outcome("wrongMd5"));
        Assert.Equal("BadDigest 400", result.Outcome("wrongSha256"));
        Assert.Equal("NoSuchTagSet 404", result.Outcome("stored"));
        Assert.Equal("ok", result.Outcome("default"));
        Assert.Equal("test", result.GetProperty("tags")[0].GetProperty("Value").GetString());
    }
}
