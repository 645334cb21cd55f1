using Amazon.KeyManagementService.Model;
using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

[Collection("S3")]
public sealed class KmsKeyStateTests(ServerFixture server)
{
    [Fact]
    public async Task Disabled_key_blocks_get_and_put_and_enabling_restores_both()
    {
        var bucket = await server.NewBucketAsync();
        var keyId = await server.NewKmsKeyAsync();
        using var s3 = server.S3();
        using var kms = server.Kms();
        PutObjectRequest Put(string key) => new()
        {
            BucketName = bucket,
            Key = key,
            ContentBody = "secret",
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = keyId,
        };
        await s3.PutObjectAsync(Put("a"));
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = keyId });

        var get = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "a"));
        Assert.Equal("KMS.DisabledException", get.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, get.StatusCode);
        var put = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(Put("b")));
        Assert.Equal("KMS.DisabledException", put.ErrorCode);

        await kms.EnableKeyAsync(new EnableKeyRequest { KeyId = keyId });
        await s3.PutObjectAsync(Put("b"));
        using var ok = await s3.GetObjectAsync(bucket, "a");
        Assert.Equal("secret", await new StreamReader(ok.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task Unknown_key_is_KMS_NotFoundException()
    {
        var bucket = await server.NewBucketAsync();
        using var s3 = server.S3();
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "k",
            ContentBody = "x",
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = Guid.NewGuid().ToString(),
        }));
        Assert.Equal("KMS.NotFoundException", e.ErrorCode);
    }

    [Fact]
    public async Task An_unknown_key_id_is_named_without_KMSs_quotes_in_S3s_KMS_NotFoundException_with_boto3()
    {
        // Recorded from AWS: LocalStack test_s3.py TestS3::test_s3_sse_validate_kms_key (put-obj-wrong-kms-key,
        // create-multipart-wrong-kms-key, copy-obj-wrong-kms-key: "Invalid keyId fake-key-id"; a well-formed id that
        // does not exist is "Key 'arn:...' does not exist").
        var r = await server.RunBoto3Async("""
            s3.put_object(Bucket=bucket, Key="src", Body=b"x")
            kms = {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "fake-key-id"}
            out["put"] = error(s3.put_object, Bucket=bucket, Key="k", Body=b"x", **kms)
            out["mpu"] = error(s3.create_multipart_upload, Bucket=bucket, Key="k", **kms)
            out["copy"] = error(s3.copy_object, Bucket=bucket, Key="k", CopySource=f"{bucket}/src", **kms)
            out["uuid"] = error(s3.put_object, Bucket=bucket, Key="k", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId="134f2428-cec1-4b25-a1ae-9048164dba47")
            """);
        if (r is not { } result)
        {
            return;
        }
        foreach (var call in new[] { "put", "mpu", "copy" })
        {
            Assert.Equal("[\"KMS.NotFoundException\", 400, \"Invalid keyId fake-key-id\"]", result.GetProperty(call).GetRawText());
        }
        Assert.Matches("^Key 'arn:aws:kms:[a-z0-9-]+:[0-9]{12}:key/134f2428-cec1-4b25-a1ae-9048164dba47' does not exist$", result.GetProperty("uuid")[2].GetString());
    }
}
