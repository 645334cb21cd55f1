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
}
