using System.Text;
using Minio.DataModel.Args;
using Minio.DataModel.Encryption;

namespace SseSim.Server.Tests.S3;

/// <summary>The MinIO .NET client 7.0.0 (path-style, hex SHA-256 payloads over HTTP, never aws-chunked).</summary>
[Collection("S3")]
public sealed class MinioClientTests(ServerFixture server)
{
    [Fact]
    public async Task Make_bucket_put_get_stat_list_with_SSE_KMS()
    {
        var minio = server.Minio();
        var bucket = S3Clients.NewBucketName("minio");
        await minio.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket));
        Assert.True(await minio.BucketExistsAsync(new BucketExistsArgs().WithBucket(bucket)));
        var keyId = await server.NewKmsKeyAsync();

        var data = Encoding.UTF8.GetBytes("hello from minio");
        // One context pair only: MinIO .NET 7.0.0 serialises two or more pairs as invalid JSON.
        var sse = new SSEKMS(keyId, new Dictionary<string, string>(StringComparer.Ordinal) { ["app"] = "tests" });
        await minio.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject("dir/obj ü").WithStreamData(new MemoryStream(data))
            .WithObjectSize(data.Length).WithContentType("text/plain").WithServerSideEncryption(sse));

        var stat = await minio.StatObjectAsync(new StatObjectArgs().WithBucket(bucket).WithObject("dir/obj ü"));
        Assert.Equal(data.Length, stat.Size);
        Assert.Equal("text/plain", stat.ContentType);

        using var read = new MemoryStream();
        await minio.GetObjectAsync(new GetObjectArgs().WithBucket(bucket).WithObject("dir/obj ü").WithCallbackStream(s => s.CopyTo(read)));
        Assert.Equal(data, read.ToArray());

        using var s3 = server.S3();
        var head = await s3.GetObjectMetadataAsync(bucket, "dir/obj ü");
        Assert.EndsWith(keyId, head.ServerSideEncryptionKeyManagementServiceKeyId, StringComparison.Ordinal);

        var keys = new List<string>();
        await foreach (var item in minio.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(bucket).WithRecursive(true)))
        {
            keys.Add(item.Key);
        }
        Assert.Equal(["dir/obj ü"], keys);
    }
}
