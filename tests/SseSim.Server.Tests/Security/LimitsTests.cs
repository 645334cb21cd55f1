using System.Net;
using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.S3;
using Amazon.S3.Model;
using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.Security;

/// <summary>AWS's limits with AWS's errors, each sent by a real client (the SDK where it sends it, raw SigV4 HTTP where SDKs refuse).</summary>
[Collection("S3")]
public sealed class LimitsTests(ServerFixture server)
{
    [Fact]
    public async Task Object_key_over_1024_bytes_is_KeyTooLongError()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = new string('k', 1024), ContentBody = "ok" });
        // 342 three-byte characters: 1,026 bytes, though only 342 chars.
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = new string('€', 342), ContentBody = "x" }));
        Assert.Equal("KeyTooLongError", e.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
    }

    [Fact]
    public async Task Part_number_above_10000_is_InvalidArgument()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "big");
        using var response = await RawS3.SendAsync(server, HttpMethod.Put, $"/{bucket}/big?partNumber=10001&uploadId={upload.UploadId}", "part"u8.ToArray());
        await AssertS3ErrorAsync(response, HttpStatusCode.BadRequest, "InvalidArgument");
        using var ok = await RawS3.SendAsync(server, HttpMethod.Put, $"/{bucket}/big?partNumber=10000&uploadId={upload.UploadId}", "part"u8.ToArray());
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Part_smaller_than_5_MiB_except_the_last_is_EntityTooSmall()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "parts");
        var p1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "parts", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[1024]) });
        var p2 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "parts", UploadId = upload.UploadId, PartNumber = 2, InputStream = new MemoryStream(new byte[10]) });
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "parts",
            UploadId = upload.UploadId,
            PartETags = [new PartETag(1, p1.ETag), new PartETag(2, p2.ETag)],
        }));
        Assert.Equal("EntityTooSmall", e.ErrorCode);
    }

    [Fact]
    public async Task Header_section_over_8_KB_is_RequestHeaderSectionTooLarge_and_over_64_KB_is_431()
    {
        var bucket = await server.NewBucketAsync();
        using var big = await RawS3.SendAsync(server, HttpMethod.Get, $"/{bucket}/k", extraHeaders: new() { ["x-padding"] = new string('p', 9 * 1024) });
        await AssertS3ErrorAsync(big, HttpStatusCode.BadRequest, "RequestHeaderSectionTooLarge");
        // Beyond Kestrel's hard ceiling the connection-level answer is 431 before any API code runs.
        using var huge = await RawS3.SendAsync(server, HttpMethod.Get, $"/{bucket}/k", extraHeaders: new() { ["x-padding"] = new string('p', 70 * 1024) });
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, huge.StatusCode);
    }

    /// <summary>DeleteObjects is refused without Content-MD5 (or a flexible checksum), as on AWS.</summary>
    private static Dictionary<string, string> ContentMd5(byte[] body) => new() { ["Content-MD5"] = Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(body)) };

    [Fact]
    public async Task Xml_body_over_the_limit_is_MaxMessageLengthExceeded()
    {
        var bucket = await server.NewBucketAsync();
        var body = new StringBuilder("<Delete>");
        while (body.Length < (4 * 1024 * 1024) + 100)
        {
            body.Append("<Object><Key>").Append(new string('k', 200)).Append("</Key></Object>");
        }
        body.Append("</Delete>");
        var bytes = Encoding.UTF8.GetBytes(body.ToString());
        using var response = await RawS3.SendAsync(server, HttpMethod.Post, $"/{bucket}?delete", bytes, ContentMd5(bytes));
        await AssertS3ErrorAsync(response, HttpStatusCode.BadRequest, "MaxMessageLengthExceeded");
    }

    [Fact]
    public async Task Delete_of_more_than_1000_keys_is_MalformedXML()
    {
        var bucket = await server.NewBucketAsync();
        var body = "<Delete>" + string.Concat(Enumerable.Range(0, 1001).Select(i => $"<Object><Key>k{i}</Key></Object>")) + "</Delete>";
        var bytes = Encoding.UTF8.GetBytes(body);
        using var response = await RawS3.SendAsync(server, HttpMethod.Post, $"/{bucket}?delete", bytes, ContentMd5(bytes));
        await AssertS3ErrorAsync(response, HttpStatusCode.BadRequest, "MalformedXML");
    }

    [Fact]
    public async Task Kms_plaintext_over_4096_bytes_and_key_policy_over_32_KB_are_refused()
    {
        using var kms = server.Kms();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.KeyId;
        await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream(new byte[4096]) });
        var tooLong = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() => kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream(new byte[4097]) }));
        Assert.Equal("ValidationException", tooLong.ErrorCode);
        Assert.Contains("length less than or equal to 4096", tooLong.Message, StringComparison.Ordinal);

        var policy = (await kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key, PolicyName = "default" })).Policy;
        var padded = policy.Replace("\"Version\"", "\"Id\" : \"" + new string('x', 33 * 1024) + "\", \"Version\"", StringComparison.Ordinal);
        var tooBig = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(() => kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key, PolicyName = "default", Policy = padded }));
        Assert.Equal("LimitExceededException", tooBig.ErrorCode);
    }

    private static async Task AssertS3ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, response.StatusCode);
        Assert.Contains($"<Code>{code}</Code>", text, StringComparison.Ordinal);
    }
}
