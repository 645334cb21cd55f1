using System.Security.Cryptography;
using System.Text;
using Minio.DataModel;
using Minio.DataModel.Args;
using Minio.DataModel.Encryption;
using Minio.DataModel.Tags;

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

    [Fact]
    public async Task SSE_C_put_stat_get_multipart_and_copy_need_the_customer_key()
    {
        var minio = server.Minio();
        var bucket = await server.NewBucketAsync("minio-c");
        var customerKey = RandomNumberGenerator.GetBytes(32);
        var ssec = new SSEC(customerKey);
        var small = Encoding.UTF8.GetBytes("customer key");
        // Over 5 MiB: the client splits it into a multipart upload whose every part carries the key.
        var big = RandomNumberGenerator.GetBytes((12 * 1024 * 1024) + 17);
        await minio.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject("c").WithStreamData(new MemoryStream(small))
            .WithObjectSize(small.Length).WithServerSideEncryption(ssec));
        await minio.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject("big").WithStreamData(new MemoryStream(big))
            .WithObjectSize(big.Length).WithServerSideEncryption(ssec));

        var stat = await minio.StatObjectAsync(new StatObjectArgs().WithBucket(bucket).WithObject("big").WithServerSideEncryption(ssec));
        Assert.Equal(big.Length, stat.Size);
        Assert.Equal(big, await GetAsync(minio, new GetObjectArgs().WithBucket(bucket).WithObject("big").WithServerSideEncryption(ssec)));
        // Without the key S3 refuses with 400, which MinIO 7.0.0 reports as an invalid object name when no XML is read.
        await Assert.ThrowsAnyAsync<Minio.Exceptions.MinioException>(() => GetAsync(minio, new GetObjectArgs().WithBucket(bucket).WithObject("c")));

        await minio.CopyObjectAsync(new CopyObjectArgs().WithBucket(bucket).WithObject("copy").WithServerSideEncryption(ssec)
            .WithCopyObjectSource(new CopySourceObjectArgs().WithBucket(bucket).WithObject("c").WithServerSideEncryption(new SSECopy(customerKey))));
        Assert.Equal(small, await GetAsync(minio, new GetObjectArgs().WithBucket(bucket).WithObject("copy").WithServerSideEncryption(ssec)));
    }

    [Fact]
    public async Task Presigned_get_put_and_post_policy_urls_work_without_credentials()
    {
        var minio = server.Minio();
        var bucket = await server.NewBucketAsync("minio-p");
        var data = Encoding.UTF8.GetBytes("presigned");
        using var http = new HttpClient();

        var put = await minio.PresignedPutObjectAsync(new PresignedPutObjectArgs().WithBucket(bucket).WithObject("put").WithExpiry(600));
        using (var response = await http.PutAsync(put, new ByteArrayContent(data)))
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
        var get = await minio.PresignedGetObjectAsync(new PresignedGetObjectArgs().WithBucket(bucket).WithObject("put").WithExpiry(600));
        Assert.Equal(data, await http.GetByteArrayAsync(get));

        var policy = new PostPolicy();
        policy.SetBucket(bucket);
        policy.SetKey("post");
        policy.SetExpires(DateTime.UtcNow.AddMinutes(10));
        var (uri, fields) = await minio.PresignedPostPolicyAsync(new PresignedPostPolicyArgs().WithBucket(bucket).WithObject("post").WithPolicy(policy));
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }
        form.Add(new ByteArrayContent(data), "file", "post");
        using (var response = await http.PostAsync(uri, form))
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(data, await GetAsync(minio, new GetObjectArgs().WithBucket(bucket).WithObject("post")));
    }

    [Fact]
    public async Task Bucket_encryption_tags_versioning_and_multi_delete()
    {
        var minio = server.Minio();
        var bucket = await server.NewBucketAsync("minio-b");
        var keyId = await server.NewKmsKeyAsync();
        await minio.SetBucketEncryptionAsync(new SetBucketEncryptionArgs().WithBucket(bucket)
            .WithEncryptionConfig(ServerSideEncryptionConfiguration.GetSSEConfigurationWithKMSRule(keyId)));
        var rule = (await minio.GetBucketEncryptionAsync(new GetBucketEncryptionArgs().WithBucket(bucket))).Rule.Apply;
        Assert.Equal("aws:kms", rule.SSEAlgorithm);
        Assert.EndsWith(keyId, rule.KMSMasterKeyId, StringComparison.Ordinal);

        await minio.SetVersioningAsync(new SetVersioningArgs().WithBucket(bucket).WithVersioningEnabled());
        Assert.Equal("Enabled", (await minio.GetVersioningAsync(new GetVersioningArgs().WithBucket(bucket))).Status);
        var data = Encoding.UTF8.GetBytes("v");
        for (var i = 0; i < 2; i++)
        {
            await minio.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject("v").WithStreamData(new MemoryStream(data)).WithObjectSize(data.Length)
                .WithTagging(Tagging.GetObjectTags(new Dictionary<string, string>(StringComparer.Ordinal) { ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) })));
        }
        var versions = new List<Item>();
        await foreach (var item in minio.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(bucket).WithVersions(true)))
        {
            versions.Add(item);
        }
        Assert.Equal(2, versions.Select(v => v.VersionId).Distinct(StringComparer.Ordinal).Count());
        var tags = await minio.GetObjectTagsAsync(new GetObjectTagsArgs().WithBucket(bucket).WithObject("v"));
        Assert.Equal("1", tags.Tags["n"]);

        using var s3 = server.S3();
        var head = await s3.GetObjectMetadataAsync(bucket, "v");
        Assert.EndsWith(keyId, head.ServerSideEncryptionKeyManagementServiceKeyId, StringComparison.Ordinal);

        // A key that does not exist is no error in a multi-object delete, as on S3.
        var errors = await minio.RemoveObjectsAsync(new RemoveObjectsArgs().WithBucket(bucket).WithObjects(["v", "missing"]));
        Assert.Empty(errors);
    }

    private static async Task<byte[]> GetAsync(Minio.IMinioClient minio, GetObjectArgs args)
    {
        using var read = new MemoryStream();
        await minio.GetObjectAsync(args.WithCallbackStream(s => s.CopyTo(read)));
        return read.ToArray();
    }
}
