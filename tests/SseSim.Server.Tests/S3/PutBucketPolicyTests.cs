using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class PutBucketPolicyTests(ServerFixture server)
{
    [Fact]
    public async Task Deny_PutObject_without_SSE_KMS_is_enforced()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        var policy = $$$$"""
        {"Version":"2012-10-17","Statement":[{"Sid":"RequireKms","Effect":"Deny","Principal":"*","Action":"s3:PutObject",
          "Resource":"arn:aws:s3:::{{{{bucket}}}}/*",
          "Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}]}
        """;
        await s3.PutBucketPolicyAsync(bucket, policy);
        Assert.Contains("RequireKms", (await s3.GetBucketPolicyAsync(bucket)).Policy, StringComparison.Ordinal);

        var plain = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" }));
        Assert.Equal("AccessDenied", plain.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, plain.StatusCode);
        var sseS3 = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "k",
            ContentBody = "x",
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        }));
        Assert.Equal("AccessDenied", sseS3.ErrorCode);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS });
        // Multipart: the condition applies to CreateMultipartUpload.
        await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "mp" }));

        await s3.DeleteBucketPolicyAsync(bucket);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k2", ContentBody = "x" });
    }

    [Fact]
    public async Task Deny_unless_a_specific_key_and_Null_condition()
    {
        var bucket = await server.NewBucketAsync();
        var allowedKey = await server.NewKmsKeyAsync();
        var otherKey = await server.NewKmsKeyAsync();
        using var s3 = server.S3();
        var policy = $$$$"""
        {"Version":"2012-10-17","Statement":[
          {"Effect":"Deny","Principal":{"AWS":"*"},"Action":["s3:PutObject"],"Resource":"arn:aws:s3:::{{{{bucket}}}}/*",
           "Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"arn:aws:kms:us-east-1:000000000000:key/{{{{allowedKey}}}}"}}},
          {"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::{{{{bucket}}}}/*",
           "Condition":{"Null":{"s3:x-amz-server-side-encryption":"true"}}}]}
        """;
        await s3.PutBucketPolicyAsync(bucket, policy);
        PutObjectRequest Put(string? key) => new()
        {
            BucketName = bucket,
            Key = "k",
            ContentBody = "x",
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = key,
        };
        var wrong = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(Put(otherKey)));
        Assert.Equal("AccessDenied", wrong.ErrorCode);
        await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(Put(null)));
        await s3.PutObjectAsync(Put(allowedKey));
        await s3.PutObjectAsync(Put($"arn:aws:kms:us-east-1:000000000000:key/{allowedKey}"));
        await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "n", ContentBody = "x" }));
    }

    [Fact]
    public async Task Malformed_policy_is_rejected()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        var response = await RawS3.SendAsync(server, HttpMethod.Put, $"/{bucket}?policy", "not json"u8.ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>MalformedPolicy</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var missing = await RawS3.SendAsync(server, HttpMethod.Get, $"/{bucket}?policy");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("<Code>NoSuchBucketPolicy</Code>", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_policy_body_that_does_not_match_its_Content_MD5_or_checksum_is_refused_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
                                 "Resource": "arn:aws:s3:::%s/private/*" % bucket}]})
            out["wrongMd5"] = with_headers("PutBucketPolicy", {"Content-MD5": md5(b"{}"), "x-amz-checksum-crc32": None, "x-amz-sdk-checksum-algorithm": None}, s3.put_bucket_policy, Bucket=bucket, Policy=policy)
            out["wrongCrc32"] = with_headers("PutBucketPolicy", {"x-amz-checksum-crc32": "AAAAAA=="}, s3.put_bucket_policy, Bucket=bucket, Policy=policy)
            out["stored"] = error(s3.get_bucket_policy, Bucket=bucket)
            out["neither"] = with_headers("PutBucketPolicy", {"x-amz-checksum-crc32": None, "x-amz-sdk-checksum-algorithm": None}, s3.put_bucket_policy, Bucket=bucket, Policy=policy)
            out["default"] = error(s3.put_bucket_policy, Bucket=bucket, Policy=policy)
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("BadDigest 400", result.Outcome("wrongMd5"));
        Assert.Equal("BadDigest 400", result.Outcome("wrongCrc32"));
        Assert.Equal("NoSuchBucketPolicy 404", result.Outcome("stored"));
        Assert.Equal("ok", result.Outcome("neither")); // AWS does not insist on a digest for PutBucketPolicy
        Assert.Equal("ok", result.Outcome("default"));
    }

    [Fact]
    public async Task Malformed_policies_get_AWSs_messages_with_boto3()
    {
        // As recorded from AWS in LocalStack's test_s3_api.py TestS3BucketPolicy::test_bucket_policy_exc.
        var r = await server.RunBoto3Async("""
            for name, policy in (("empty", ""), ("text", "invalid json"), ("emptyJson", "{}")):
                out[name] = error(s3.put_bucket_policy, Bucket=bucket, Policy=policy)
            """);
        if (r is not { } result)
        {
            return;
        }
        foreach (var name in new[] { "empty", "text" })
        {
            Assert.Equal("MalformedPolicy 400", result.Outcome(name));
            Assert.Equal("Policies must be valid JSON and the first byte must be '{'", result.GetProperty(name)[2].GetString());
        }
        Assert.Equal("MalformedPolicy 400", result.Outcome("emptyJson"));
        Assert.Equal("Missing required field Statement", result.GetProperty("emptyJson")[2].GetString());
    }

    /// <summary>The S3 User Guide's "Requiring DSSE-KMS" policy: PutObject is denied unless the request names aws:kms:dsse.</summary>
    [Fact]
    public async Task Deny_PutObject_without_DSSE_KMS_is_enforced_with_boto3()
    {
        var r = await server.RunBoto3Async("""
            s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Id": "PutObjectPolicy", "Statement": [{
                "Sid": "DenyUnEncryptedObjectUploads", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::" + bucket + "/*",
                "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms:dsse"}}}]}))
            out["none"] = error(s3.put_object, Bucket=bucket, Key="a", Body=b"x")
            out["kms"] = error(s3.put_object, Bucket=bucket, Key="b", Body=b"x", ServerSideEncryption="aws:kms")
            out["dsse"] = error(s3.put_object, Bucket=bucket, Key="c", Body=b"x", ServerSideEncryption="aws:kms:dsse")
            """);
        if (r is not { } result)
        {
            return;
        }
        Assert.Equal("AccessDenied 403", result.Outcome("none"));
        Assert.Equal("AccessDenied 403", result.Outcome("kms"));
        Assert.Equal("ok", result.Outcome("dsse"));
    }
}
