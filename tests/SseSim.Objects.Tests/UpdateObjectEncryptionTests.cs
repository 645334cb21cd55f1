using static SseSim.Objects.Tests.StoreFixture;

namespace SseSim.Objects.Tests;

/// <summary>UpdateObjectEncryption re-wraps the data key only: same bytes, ETag, LastModified and checksum; new key.</summary>
public sealed class UpdateObjectEncryptionTests : IDisposable
{
    private const string Bucket = "bkt";
    private static readonly string NewKey = FakeDataKeyService.Arn("key-2");
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static async Task<S3Exception> Fails(Func<Task> action, string code, int status)
    {
        var e = await Assert.ThrowsAsync<S3Exception>(action);
        Assert.Equal(code, e.Code);
        Assert.Equal(status, e.StatusCode);
        return e;
    }

    private async Task<ObjectInfo> HeadAsync(string key) => (await _f.Store.HeadObjectAsync(Alice, new GetObjectRequest(Bucket, key))).Object;

    [Theory]
    [InlineData(null, false)]
    [InlineData(null, true)]
    [InlineData("key-1", false)]
    [InlineData("key-1", true)]
    public async Task Moves_an_object_to_another_kms_key_without_touching_its_data(string? fromKmsKey, bool bucketKey)
    {
        await _f.Store.CreateBucketAsync(Alice, Bucket);
        var data = TestUtil.Pattern(150_000);
        var sse = fromKmsKey is null ? null : new SseRequest { ServerSideEncryption = "aws:kms", KmsKeyId = fromKmsKey };
        await _f.PutAsync(Bucket, "doc", data, sse);
        var before = await HeadAsync("doc");
        _f.Time.Advance(TimeSpan.FromMinutes(5));

        await _f.Store.UpdateObjectEncryptionAsync(Alice, Bucket, "doc", null, NewKey, bucketKey);

        var after = await HeadAsync("doc");
        Assert.Equal("aws:kms", after.Encryption.ServerSideEncryption);
        Assert.Equal(NewKey, after.Encryption.KmsKeyArn);
        Assert.Equal(bucketKey, after.Encryption.BucketKeyEnabled);
        Assert.Equal(before.ETag, after.ETag);
        Assert.Equal(before.LastModified, after.LastModified);
        Assert.Equal(before.ChecksumValue, after.ChecksumValue);
        Assert.Equal(data, await _f.GetAsync(Bucket, "doc"));
        Assert.Equal(data[70_000..70_100], await _f.GetAsync(Bucket, "doc", new ByteRangeSpec(70_000, 70_099)));

        // The old key no longer matters; the new one does.
        if (fromKmsKey is not null)
        {
            _f.Kms.Disabled.Add(FakeDataKeyService.Arn(fromKmsKey));
            Assert.Equal(data, await _f.GetAsync(Bucket, "doc"));
        }
        _f.Kms.Disabled.Add(NewKey);
        if (!bucketKey)
        {
            await Fails(() => _f.GetAsync(Bucket, "doc"), S3ErrorCode.KmsDisabled, 400);
        }
    }

    [Fact]
    public async Task A_multipart_object_and_a_noncurrent_version_keep_reading_back()
    {
        await _f.Store.CreateBucketAsync(Alice, Bucket);
        await _f.Store.PutBucketVersioningAsync(Alice, Bucket, "Enabled");
        var create = await _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest(Bucket, "big"));
        var parts = new[] { TestUtil.Pattern(70_000, 1), TestUtil.Pattern(9_000, 2) };
        var done = new List<CompletedPart>();
        for (var i = 0; i < parts.Length; i++)
        {
            var r = await _f.Store.UploadPartAsync(Alice, new UploadPartRequest(Bucket, "big", create.UploadId, i + 1, Body(parts[i])));
            done.Add(new CompletedPart(i + 1, $"\"{r.ETag}\""));
        }
        var first = await _f.Store.CompleteMultipartUploadAsync(Alice, new(Bucket, "big", create.UploadId, done));
        await _f.PutAsync(Bucket, "big", [7, 7, 7]);

        await _f.Store.UpdateObjectEncryptionAsync(Alice, Bucket, "big", first.VersionId, NewKey, bucketKeyEnabled: false);

        using var old = await _f.Store.GetObjectAsync(Alice, new GetObjectRequest(Bucket, "big") { VersionId = first.VersionId });
        Assert.Equal(NewKey, old.Object.Encryption.KmsKeyArn);
        var whole = parts.SelectMany(p => p).ToArray();
        using var sink = new MemoryStream();
        await old.WriteBodyAsync(sink);
        Assert.Equal(whole, sink.ToArray());
        Assert.Equal("AES256", (await HeadAsync("big")).Encryption.ServerSideEncryption);
    }

    [Fact]
    public async Task Refuses_what_aws_refuses_and_changes_nothing()
    {
        await _f.Store.CreateBucketAsync(Alice, Bucket);
        await _f.PutAsync(Bucket, "doc", [1, 2, 3]);
        await _f.PutAsync(Bucket, "ssec", [4], new SseRequest { CustomerKey = CustomerKey(3) });
        var calls = _f.Kms.TotalCalls;

        await Fails(() => _f.Store.UpdateObjectEncryptionAsync(Alice, Bucket, "doc", null, null, false), S3ErrorCode.InvalidRequest, 400);
        await Fails(() => _f.Store.UpdateObjectEncryptionAsync(Alice, Bucket, "doc", null, "key-2", false), S3ErrorCode.InvalidRequest, 400);
        await Fails(() => _f.Store.UpdateObjectEncryptionAsync(Alice, Bucket, "doc", null, "alias/aws/s3", false), S3ErrorCode.InvalidRequest, 400);
        await Fails(() => _f.Store.UpdateObjectEncryptionAsync(Alice, Bucket, "doc", null, "arn:aws:kms:us-east-1:999999999999:key/k", false), S3ErrorCode.AccessDenied, 403);
        await Fails(() => _f.Store.UpdateObjectEncryptionAsync(Alice with { SignatureV2 = true }, Bucket, "doc", null, NewKey, false), S3ErrorCode.InvalidRequest, 400);
        await Fails(() => _f.Store.UpdateObjectEncryptionAsync(Alice, Bucket, "ssec", null, NewKey, false), S3ErrorCode.InvalidRequest, 400);
        await Fails(() => _f.Store.UpdateObjectEncryptionAsync(Alice, Bucket, "missing", null, NewKey, false), S3ErrorCode.NoSuchKey, 404);
        _f.Kms.Disabled.Add(NewKey);
        await Fails(() => _f.Store.UpdateObjectEncryptionAsync(Alice, Bucket, "doc", null, NewKey, false), S3ErrorCode.KmsDisabled, 400);

        Assert.Equal("AES256", (await HeadAsync("doc")).Encryption.ServerSideEncryption);
        Assert.Equal([1, 2, 3], await _f.GetAsync(Bucket, "doc"));
        Assert.Equal(calls + 1, _f.Kms.TotalCalls); // only the disabled key reached KMS
    }
}
