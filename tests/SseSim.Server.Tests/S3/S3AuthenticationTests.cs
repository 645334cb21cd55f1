using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class S3AuthenticationTests(ServerFixture server)
{
    [Fact]
    public async Task Wrong_secret_unknown_key_and_anonymous_get_S3_errors()
    {
        var bucket = await server.NewBucketAsync();
        using (var wrong = server.S3(secretKey: "wrong"))
        {
            var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => wrong.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
            Assert.Equal("SignatureDoesNotMatch", e.ErrorCode);
            Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
        }
        using (var unknown = server.S3(accessKey: "nobody"))
        {
            var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => unknown.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
            Assert.Equal("InvalidAccessKeyId", e.ErrorCode);
        }
        using var http = new HttpClient();
        var anonymous = await http.GetAsync($"{server.Endpoint}/{bucket}");
        Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Presigned_get_and_put_work_and_expire()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "p q/ü", ContentBody = "presigned!" });
        using var http = new HttpClient();
        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest { BucketName = bucket, Key = "p q/ü", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP });
        Assert.Equal("presigned!", await http.GetStringAsync(url));

        var putUrl = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest { BucketName = bucket, Key = "up", Verb = HttpVerb.PUT, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP });
        var put = await http.PutAsync(putUrl, new ByteArrayContent("uploaded"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var expired = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest { BucketName = bucket, Key = "p q/ü", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddSeconds(1), Protocol = Protocol.HTTP });
        await Task.Delay(2100);
        var response = await http.GetAsync(expired);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("<Code>AccessDenied</Code>", body, StringComparison.Ordinal);
        Assert.Contains("Request has expired", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_aws_chunked_chunk_signature_is_checked()
    {
        var bucket = await server.NewBucketAsync();
        var data = S3Clients.RandomBytes(100_000);
        var good = await RawS3.SendSignedChunkedAsync(server, $"/{bucket}/chunked", data, 16 * 1024);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        using var s3 = server.S3();
        using (var get = await s3.GetObjectAsync(bucket, "chunked"))
        {
            using var ms = new MemoryStream();
            await get.ResponseStream.CopyToAsync(ms);
            Assert.Equal(data, ms.ToArray());
        }

        var tampered = await RawS3.SendSignedChunkedAsync(server, $"/{bucket}/tampered", data, 16 * 1024, corruptChunk: 3);
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        Assert.Contains("SignatureDoesNotMatch", await tampered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var head = await RawS3.SendAsync(server, HttpMethod.Head, $"/{bucket}/tampered");
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }

    [Fact]
    public async Task Unsigned_trailer_checksum_is_verified()
    {
        var bucket = await server.NewBucketAsync();
        var crc = Convert.ToBase64String(BitConverter.GetBytes(System.IO.Hashing.Crc32.HashToUInt32("hello"u8)).Reverse().ToArray());
        byte[] Body(string checksum) => System.Text.Encoding.ASCII.GetBytes($"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:{checksum}\r\n\r\n");
        Dictionary<string, string> Headers() => new() { ["x-amz-decoded-content-length"] = "5", ["x-amz-trailer"] = "x-amz-checksum-crc32" };
        var ok = await RawS3.SendAsync(server, HttpMethod.Put, $"/{bucket}/t", Body(crc), Headers(), "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(crc, ok.Headers.GetValues("x-amz-checksum-crc32").Single());
        var bad = await RawS3.SendAsync(server, HttpMethod.Put, $"/{bucket}/t2", Body("AAAAAA=="), Headers(), "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("BadDigest", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
