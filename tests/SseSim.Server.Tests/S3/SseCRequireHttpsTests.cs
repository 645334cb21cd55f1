using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

/// <summary>--ssec-require-https restores AWS's refusal of SSE-C over plain HTTP (allowed by default in SseSim).</summary>
public sealed class SseCRequireHttpsTests : IAsyncLifetime
{
    private readonly ServerFixture _server = new() { ExtraArgs = ["--ssec-require-https", "true"] };

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task SSE_C_over_http_is_InvalidRequest_when_required()
    {
        var bucket = await _server.NewBucketAsync();
        using var s3 = _server.S3();
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "k",
            ContentBody = "x",
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        }));
        Assert.Equal("InvalidRequest", e.ErrorCode);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
    }
}
