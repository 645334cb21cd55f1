using System.Text;
using SseSim.Core.Storage;
using static SseSim.Objects.Tests.StoreFixture;

namespace SseSim.Objects.Tests;

/// <summary>x-amz-storage-class kept with objects and uploads (docs/formats/s3-metadata-records.md#storageclass).</summary>
public sealed class StorageClassTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private ObjectStore Store => _f.Store;

    private static readonly ObjectHeaders InfrequentAccess = new() { StorageClass = "STANDARD_IA" };

    private async Task<ObjectInfo> HeadAsync(string key) => (await Store.HeadObjectAsync(Alice, new GetObjectRequest("scb", key))).Object;

    [Fact]
    public void Normalize_keeps_stored_classes_and_refuses_the_rest()
    {
        Assert.Null(StorageClasses.Normalize(null));
        Assert.Null(StorageClasses.Normalize("STANDARD"));
        Assert.Equal("GLACIER_IR", StorageClasses.Normalize("GLACIER_IR"));
        Assert.Equal("DEEP_ARCHIVE", StorageClasses.Normalize("DEEP_ARCHIVE"));
        Assert.Equal("GLACIER", StorageClasses.Normalize("GLACIER"));
        foreach (var invalid in new[] { "EXPRESS_ONEZONE", "OUTPOSTS", "standard_ia", "" })
        {
            var e = Assert.Throws<S3Exception>(() => StorageClasses.Normalize(invalid));
            Assert.Equal(("InvalidStorageClass", 400), (e.Code, e.StatusCode));
        }
    }

    [Fact]
    public async Task Put_copy_and_multipart_keep_the_class_they_were_given()
    {
        await Store.CreateBucketAsync(Alice, "scb");
        await Store.PutObjectAsync(Alice, new PutObjectRequest("scb", "ia", Body([1, 2])) { Headers = InfrequentAccess });
        Assert.Equal("STANDARD_IA", (await HeadAsync("ia")).Headers.StorageClass);
        var listed = await Store.ListObjectsAsync(Alice, new ListObjectsRequest("scb"));
        Assert.Equal("STANDARD_IA", Assert.Single(listed.Contents).StorageClass);

        // A copy is STANDARD unless the request names a class, whatever the source's.
        await Store.CopyObjectAsync(Alice, new CopyObjectRequest("scb", "ia", "scb", "copy"));
        Assert.Null((await HeadAsync("copy")).Headers.StorageClass);
        await Store.CopyObjectAsync(Alice, new CopyObjectRequest("scb", "ia", "scb", "copy") { Headers = new ObjectHeaders { StorageClass = "ONEZONE_IA" } });
        Assert.Equal("ONEZONE_IA", (await HeadAsync("copy")).Headers.StorageClass);

        // Onto itself (LocalStack's AWS recordings test_s3_copy_object_storage_class and _in_place_storage_class):
        // without x-amz-storage-class it is illegal even though the class would become STANDARD; with it, legal
        // whatever the class, even the same one.
        var implicitStandard = await Assert.ThrowsAsync<S3Exception>(() => Store.CopyObjectAsync(Alice, new CopyObjectRequest("scb", "copy", "scb", "copy")));
        Assert.Equal(S3ErrorCode.InvalidRequest, implicitStandard.Code);
        await Store.CopyObjectAsync(Alice, new CopyObjectRequest("scb", "copy", "scb", "copy") { StorageClassGiven = true });
        Assert.Null((await HeadAsync("copy")).Headers.StorageClass);
        await Store.CopyObjectAsync(Alice, new CopyObjectRequest("scb", "copy", "scb", "copy") { StorageClassGiven = true });

        var upload = await Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest("scb", "mp") { Headers = new ObjectHeaders { StorageClass = "INTELLIGENT_TIERING" } });
        Assert.Equal("INTELLIGENT_TIERING", Assert.Single((await Store.ListMultipartUploadsAsync(Alice, new ListMultipartUploadsRequest("scb"))).Uploads).StorageClass);
        var part = await Store.UploadPartAsync(Alice, new UploadPartRequest("scb", "mp", upload.UploadId, 1, Body([7])));
        Assert.Equal("INTELLIGENT_TIERING", (await Store.ListPartsAsync(Alice, "scb", "mp", upload.UploadId)).StorageClass);
        await Store.CompleteMultipartUploadAsync(Alice, new CompleteMultipartUploadRequest("scb", "mp", upload.UploadId, [new CompletedPart(1, part.ETag)]));
        Assert.Equal("INTELLIGENT_TIERING", (await HeadAsync("mp")).Headers.StorageClass);
    }

    // Golden vectors (docs/formats/s3-metadata-records.md#storageclass).
    private readonly InMemoryStorageProvider _golden = new();

    private Task<ObjectStore> GoldenStoreAsync(string record) => GoldenStore.OpenAsync(_golden, _f, InlineBodyTests.GoldenBucket, GoldenStore.Object(record));

    [Fact]
    public async Task Golden_record_without_storage_class_reads_standard()
    {
        using var store = await GoldenStoreAsync(InlineBodyTests.GoldenRecord);
        var head = await store.HeadObjectAsync(Alice, new GetObjectRequest("golden", "k"));
        Assert.Equal((null, "STANDARD"), (head.Object.Headers.StorageClass, head.Object.Headers.ReportedStorageClass));
        Assert.Equal("STANDARD", Assert.Single((await store.ListObjectsAsync(Alice, new ListObjectsRequest("golden"))).Contents).StorageClass);

        // A STANDARD write still writes no member.
        await store.PutObjectAsync(Alice, new PutObjectRequest("golden", "k", Body([1])) { Headers = new ObjectHeaders { StorageClass = StorageClasses.Normalize("STANDARD") } });
        _golden.OpenTable(ObjectStore.MetadataTableName).TryGet("obj/golden/k", out var written);
        Assert.Contains(@"""Headers"":{},", Encoding.UTF8.GetString(written), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Golden_record_with_storage_class_reads()
    {
        const string Member = @"""Headers"":{""StorageClass"":""STANDARD_IA""},";
        using var store = await GoldenStoreAsync(InlineBodyTests.GoldenRecord.Replace(@"""Headers"":{},", Member, StringComparison.Ordinal));
        var head = await store.HeadObjectAsync(Alice, new GetObjectRequest("golden", "k"));
        Assert.Equal("STANDARD_IA", head.Object.Headers.StorageClass);

        // The writer produces the same member.
        await store.PutObjectAsync(Alice, new PutObjectRequest("golden", "k", Body([1])) { Headers = InfrequentAccess });
        _golden.OpenTable(ObjectStore.MetadataTableName).TryGet("obj/golden/k", out var written);
        Assert.Contains(Member, Encoding.UTF8.GetString(written), StringComparison.Ordinal);
    }
}
