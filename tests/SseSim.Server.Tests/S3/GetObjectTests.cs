using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class GetObjectTests(ServerFixture server)
{
    private async Task<(string Bucket, byte[] Data, string ETag)> PutAsync(int size = 200_000)
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        var data = S3Clients.RandomBytes(size);
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "obj", InputStream = new MemoryStream(data) });
        return (bucket, data, put.ETag);
    }

    private static async Task<byte[]> ReadAsync(GetObjectResponse r)
    {
        using var ms = new MemoryStream();
        await r.ResponseStream.CopyToAsync(ms);
        return ms.ToArray();
    }

    [Fact]
    public async Task Ranges_closed_open_and_suffix_give_206_and_Content_Range()
    {
        var (bucket, data, _) = await PutAsync();
        using var s3 = server.S3();
        using (var r = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "obj", ByteRange = new ByteRange("bytes=100-199") }))
        {
            Assert.Equal(HttpStatusCode.PartialContent, r.HttpStatusCode);
            Assert.Equal($"bytes 100-199/{data.Length}", r.ContentRange);
            Assert.Equal(data[100..200], await ReadAsync(r));
        }
        using (var r = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "obj", ByteRange = new ByteRange("bytes=199990-") }))
        {
            Assert.Equal(data[199990..], await ReadAsync(r));
        }
        using (var r = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "obj", ByteRange = new ByteRange("bytes=-70000") }))
        {
            Assert.Equal($"bytes {data.Length - 70000}-{data.Length - 1}/{data.Length}", r.ContentRange);
            Assert.Equal(data[^70000..], await ReadAsync(r));
        }
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "obj", ByteRange = new ByteRange("bytes=300000-") }));
        Assert.Equal("InvalidRange", e.ErrorCode);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, e.StatusCode);
    }

    [Fact]
    public async Task Conditionals_304_and_412()
    {
        var (bucket, _, etag) = await PutAsync(1000);
        using var s3 = server.S3();
        var notModified = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "obj", EtagToNotMatch = etag }));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        var failed = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "obj", EtagToMatch = "\"nope\"" }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, failed.StatusCode);
        using var ok = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "obj", EtagToMatch = etag, ModifiedSinceDate = DateTime.UtcNow.AddDays(-1) });
        Assert.Equal(HttpStatusCode.OK, ok.HttpStatusCode);
        var unmodified = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "obj", UnmodifiedSinceDate = DateTime.UtcNow.AddDays(-1) }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, unmodified.StatusCode);
    }

    [Fact]
    public async Task Response_overrides_and_stored_headers()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        var put = new PutObjectRequest { BucketName = bucket, Key = "h", ContentBody = "x", ContentType = "text/plain" };
        put.Headers.ContentDisposition = "attachment";
        put.Headers.CacheControl = "max-age=60";
        put.Headers.ContentLanguage = "de";
        await s3.PutObjectAsync(put);
        using var r = await s3.GetObjectAsync(new GetObjectRequest
        {
            BucketName = bucket,
            Key = "h",
            ResponseHeaderOverrides = new ResponseHeaderOverrides { ContentType = "application/json", CacheControl = "no-cache" },
        });
        Assert.Equal("application/json", r.Headers.ContentType);
        Assert.Equal("no-cache", r.Headers.CacheControl);
        Assert.Equal("attachment", r.Headers.ContentDisposition);
        Assert.Equal("de", r.Headers.ContentLanguage);
    }

    [Fact]
    public async Task Missing_key_is_NoSuchKey_with_xml_body()
    {
        var bucket = await server.NewBucketAsync();
        var response = await RawS3.SendAsync(server, HttpMethod.Get, $"/{bucket}/nothing");
        Assert.Equal(404, (int)response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("<Code>NoSuchKey</Code>", body, StringComparison.Ordinal);
        Assert.Contains("<RequestId>", body, StringComparison.Ordinal);
        Assert.Contains($"<Resource>/{bucket}/nothing</Resource>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SSE_header_on_GET_of_SSE_S3_object_is_400()
    {
        var (bucket, _, _) = await PutAsync(10);
        var response = await RawS3.SendAsync(server, HttpMethod.Get, $"/{bucket}/obj", extraHeaders: new() { ["x-amz-server-side-encryption"] = "AES256" });
        Assert.Equal(400, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("{0}.localhost")]
    [InlineData("{0}.s3.localhost")]
    public async Task Virtual_hosted_style_addressing_reads_the_bucket_from_the_Host_header(string hostPattern)
    {
        var (bucket, data, _) = await PutAsync(1234);
        var host = string.Format(System.Globalization.CultureInfo.InvariantCulture, hostPattern, bucket) + ":" + new Uri(server.Endpoint).Port;
        var response = await RawS3.SendAsync(server, HttpMethod.Get, "/obj", host: host);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(data, await response.Content.ReadAsByteArrayAsync());
    }
}
