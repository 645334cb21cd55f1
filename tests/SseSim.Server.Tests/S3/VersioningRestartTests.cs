using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

/// <summary>Object versions and delete markers are FASTER-persisted records: they survive a restart, and old versions stay ciphertext at rest.</summary>
public sealed class VersioningRestartTests : IAsyncLifetime
{
    private readonly ServerFixture _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Versions_survive_a_restart_encrypted()
    {
        var bucket = await _server.NewBucketAsync();
        var canary = "CANARY-" + Guid.NewGuid().ToString("N");
        var large = string.Concat(Enumerable.Repeat(canary + "|", 10000));
        string small, big, marker;
        using (var s3 = _server.S3())
        {
            await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = bucket,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            });
            small = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = canary })).VersionId;
            big = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = large, ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS })).VersionId;
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "current" });
            marker = (await s3.DeleteObjectAsync(bucket, "other")).VersionId;
        }

        await _server.RestartAsync();

        using (var s3 = _server.S3())
        {
            Assert.Equal(VersionStatus.Enabled, (await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);
            Assert.Equal(canary, await ReadAsync(s3, bucket, small));
            Assert.Equal(large, await ReadAsync(s3, bucket, big));
            Assert.Equal("current", await ReadAsync(s3, bucket, null));
            var versions = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
            Assert.Equal(4, versions.Versions.Count);
            Assert.True(versions.Versions.Single(v => v.VersionId == marker).IsDeleteMarker);
        }

        var needle = Encoding.UTF8.GetBytes(canary);
        foreach (var file in Directory.EnumerateFiles(_server.DataDir, "*", SearchOption.AllDirectories))
        {
            byte[] content;
            try
            {
                content = await File.ReadAllBytesAsync(file);
            }
            catch (IOException)
            {
                continue; // a file held exclusively by the store
            }
            Assert.True(content.AsSpan().IndexOf(needle) < 0, $"plaintext found in {file}");
        }
    }

    private static async Task<string> ReadAsync(IAmazonS3 s3, string bucket, string? versionId)
    {
        using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = versionId });
        return await new StreamReader(get.ResponseStream).ReadToEndAsync();
    }
}
