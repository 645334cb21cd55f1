using System.Text;
using SseSim.Core.Storage;
using SseSim.Objects.Sse;
using static SseSim.Objects.Tests.StoreFixture;

namespace SseSim.Objects.Tests;

/// <summary>
/// S3's default checksum (docs/formats/s3-metadata-records.md#default-checksum): an object uploaded without a checksum
/// gets CRC64NVME FULL_OBJECT, from PutObject, CopyObject and multipart uploads created without an algorithm.
/// </summary>
public sealed class DefaultChecksumTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static string Sum(string algorithm, ReadOnlySpan<byte> data)
    {
        using var sum = new ChecksumCalculator(algorithm);
        sum.Append(data);
        return sum.GetBase64();
    }

    private async Task<ObjectInfo> HeadAsync(string bucket, string key, ObjectStore? store = null, int? partNumber = null, ByteRangeSpec? range = null) =>
        (await (store ?? _f.Store).HeadObjectAsync(Alice, new GetObjectRequest(bucket, key) { PartNumber = partNumber, Range = range })).Object;

    private static (string?, string?, string?) ChecksumOf(ObjectInfo info) => (info.ChecksumAlgorithm, info.ChecksumValue, info.ChecksumType);

    [Fact]
    public async Task Put_without_a_checksum_gets_crc64nvme_of_the_whole_object()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        var data = TestUtil.Pattern(3000);
        var put = await _f.PutAsync("bkt", "k", data);
        Assert.Equal(("CRC64NVME", Sum("CRC64NVME", data)), (put.ChecksumAlgorithm, put.ChecksumValue));
        Assert.Equal(("CRC64NVME", Sum("CRC64NVME", data), "FULL_OBJECT"), ChecksumOf(await HeadAsync("bkt", "k")));
        Assert.Equal((null, null, null), ChecksumOf(await HeadAsync("bkt", "k", range: new ByteRangeSpec(0, 9))));
        // SSE-C objects get it too.
        var sseC = await _f.Store.PutObjectAsync(Alice, new PutObjectRequest("bkt", "c", Body(data)) { Encryption = new SseRequest { CustomerKey = CustomerKey(3) } });
        Assert.Equal(("CRC64NVME", Sum("CRC64NVME", data)), (sseC.ChecksumAlgorithm, sseC.ChecksumValue));
    }

    [Fact]
    public async Task Put_with_a_client_checksum_keeps_that_algorithm_only()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        var data = TestUtil.Pattern(100);
        var put = await _f.Store.PutObjectAsync(Alice, new PutObjectRequest("bkt", "k", Body(data)) { Checksum = new ChecksumInput("CRC32", Sum("CRC32", data)) });
        Assert.Equal(("CRC32", Sum("CRC32", data)), (put.ChecksumAlgorithm, put.ChecksumValue));
        Assert.Equal(("CRC32", Sum("CRC32", data), "FULL_OBJECT"), ChecksumOf(await HeadAsync("bkt", "k")));
    }

    [Fact]
    public async Task Copy_keeps_the_sources_algorithm_or_the_requested_one()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        var data = TestUtil.Pattern(700);
        await _f.Store.PutObjectAsync(Alice, new PutObjectRequest("bkt", "crc32", Body(data)) { Checksum = new ChecksumInput("CRC32") });
        var copy = await _f.Store.CopyObjectAsync(Alice, new CopyObjectRequest("bkt", "crc32", "bkt", "copy"));
        Assert.Equal(("CRC32", Sum("CRC32", data)), (copy.ChecksumAlgorithm, copy.ChecksumValue));
        copy = await _f.Store.CopyObjectAsync(Alice, new CopyObjectRequest("bkt", "crc32", "bkt", "copy") { ChecksumAlgorithm = "SHA256" });
        Assert.Equal(("SHA256", Sum("SHA256", data)), (copy.ChecksumAlgorithm, copy.ChecksumValue));
    }

    private async Task<(string UploadId, byte[] Whole, List<CompletedPart> Parts)> DefaultUploadAsync(string key, CustomerKeyHeaders? customer = null)
    {
        var create = await _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest("bkt", key)
        {
            Encryption = customer is null ? null : new SseRequest { CustomerKey = customer },
        });
        Assert.Null(create.ChecksumType);
        var data = new[] { TestUtil.Pattern(5000, 1), TestUtil.Pattern(1234, 2) };
        var parts = new List<CompletedPart>();
        for (var i = 0; i < data.Length; i++)
        {
            var r = await _f.Store.UploadPartAsync(Alice, new UploadPartRequest("bkt", key, create.UploadId, i + 1, Body(data[i])) { CustomerKey = customer });
            // S3 answers no part checksum when the client sent none, though it keeps one.
            Assert.Equal((null, null), (r.ChecksumAlgorithm, r.ChecksumValue));
            parts.Add(new CompletedPart(i + 1, r.ETag));
        }
        return (create.UploadId, [.. data[0], .. data[1]], parts);
    }

    [Fact]
    public async Task Multipart_upload_without_an_algorithm_gets_crc64nvme_full_object_combined_from_its_parts()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        var (uploadId, whole, parts) = await DefaultUploadAsync("mp");
        var listed = await _f.Store.ListPartsAsync(Alice, "bkt", "mp", uploadId);
        Assert.Equal((null, null), (listed.ChecksumAlgorithm, listed.ChecksumType));
        Assert.All(listed.Parts, p => Assert.Null(p.ChecksumValue));
        // Whatever the client says of the object's checksum is not checked for an upload without an algorithm.
        var done = await _f.Store.CompleteMultipartUploadAsync(Alice, new("bkt", "mp", uploadId, parts) { Checksum = new ChecksumInput("CRC32", Sum("CRC32", "other"u8)) });
        var expected = Sum("CRC64NVME", whole);
        Assert.Equal(("CRC64NVME", expected, "FULL_OBJECT"), (done.ChecksumAlgorithm, done.ChecksumValue, done.ChecksumType));
        Assert.Equal(("CRC64NVME", expected, "FULL_OBJECT"), ChecksumOf(await HeadAsync("bkt", "mp")));
        // A FULL_OBJECT checksum covers no single part of two, and GetObjectAttributes lists no parts for it.
        Assert.Equal((null, null, null), ChecksumOf(await HeadAsync("bkt", "mp", partNumber: 1)));
        Assert.Null((await _f.Store.GetObjectAttributesAsync(Alice, new GetObjectRequest("bkt", "mp"))).Parts);
    }

    [Fact]
    public async Task Default_upload_validates_and_echoes_a_part_checksum_of_any_algorithm_and_still_keeps_the_crc64nvme()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        var create = await _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest("bkt", "mp"));
        var one = TestUtil.Pattern(5000, 1);
        var two = TestUtil.Pattern(99, 2);
        var e = await Assert.ThrowsAsync<S3Exception>(() => _f.Store.UploadPartAsync(Alice, new UploadPartRequest("bkt", "mp", create.UploadId, 1, Body(one))
        {
            Checksum = new ChecksumInput("SHA256", Sum("SHA256", two)),
        }));
        Assert.Equal(S3ErrorCode.BadDigest, e.Code);
        var r1 = await _f.Store.UploadPartAsync(Alice, new UploadPartRequest("bkt", "mp", create.UploadId, 1, Body(one)) { Checksum = new ChecksumInput("SHA256", Sum("SHA256", one)) });
        Assert.Equal(("SHA256", Sum("SHA256", one)), (r1.ChecksumAlgorithm, r1.ChecksumValue));
        var r2 = await _f.Store.UploadPartAsync(Alice, new UploadPartRequest("bkt", "mp", create.UploadId, 2, Body(two)) { Checksum = new ChecksumInput("CRC64NVME", Sum("CRC64NVME", two)) });
        Assert.Equal(("CRC64NVME", Sum("CRC64NVME", two)), (r2.ChecksumAlgorithm, r2.ChecksumValue));
        var done = await _f.Store.CompleteMultipartUploadAsync(Alice, new("bkt", "mp", create.UploadId, [new(1, r1.ETag), new(2, r2.ETag)]));
        Assert.Equal(("CRC64NVME", Sum("CRC64NVME", [.. one, .. two])), (done.ChecksumAlgorithm, done.ChecksumValue));
    }

    [Fact]
    public async Task Upload_part_copy_into_a_default_upload_answers_no_checksum_but_counts()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        var source = TestUtil.Pattern(6000, 5);
        await _f.PutAsync("bkt", "src", source);
        var create = await _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest("bkt", "mp"));
        var copied = await _f.Store.UploadPartCopyAsync(Alice, new UploadPartCopyRequest("bkt", "mp", create.UploadId, 1, "bkt", "src") { SourceRange = new ByteRangeSpec(0, 4999) });
        Assert.Equal((null, null), (copied.ChecksumAlgorithm, copied.ChecksumValue));
        var tail = TestUtil.Pattern(10, 6);
        var r2 = await _f.Store.UploadPartAsync(Alice, new UploadPartRequest("bkt", "mp", create.UploadId, 2, Body(tail)));
        var done = await _f.Store.CompleteMultipartUploadAsync(Alice, new("bkt", "mp", create.UploadId, [new(1, copied.ETag), new(2, r2.ETag)]));
        Assert.Equal(("CRC64NVME", Sum("CRC64NVME", [.. source.AsSpan(0, 5000), .. tail])), (done.ChecksumAlgorithm, done.ChecksumValue));
    }

    [Fact]
    public async Task Sse_c_multipart_upload_without_an_algorithm_gets_no_checksum()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        var customer = CustomerKey(9);
        var (uploadId, _, parts) = await DefaultUploadAsync("mp", customer);
        var done = await _f.Store.CompleteMultipartUploadAsync(Alice, new("bkt", "mp", uploadId, parts) { CustomerKey = customer });
        Assert.Equal((null, null, null), (done.ChecksumAlgorithm, done.ChecksumValue, done.ChecksumType));
    }

    [Fact]
    public async Task Create_multipart_upload_records_the_default_only_without_an_algorithm()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        var plain = await _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest("bkt", "a"));
        var crc32 = await _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest("bkt", "b") { ChecksumAlgorithm = "CRC32" });
        var table = _f.Storage.OpenTable(ObjectStore.MetadataTableName);
        Assert.True(table.TryGet(Records.UploadKey("bkt", plain.UploadId), out var record));
        Assert.Contains(@"""DefaultChecksum"":true", Encoding.UTF8.GetString(record), StringComparison.Ordinal);
        Assert.True(table.TryGet(Records.UploadKey("bkt", crc32.UploadId), out record));
        Assert.DoesNotContain("DefaultChecksum", Encoding.UTF8.GetString(record), StringComparison.Ordinal);
    }

    // Golden vectors (docs/formats/s3-metadata-records.md#checksumtype). InlineBodyTests' object record was written
    // before the default checksum existed. The upload records reuse its SSE-S3 key (wrapped for key "k" and its
    // instance id, which an upload's parts use as their upload id): as written before DefaultChecksum existed, and with it.
    private const string GoldenUpload =
        @"{""Bucket"":""golden"",""Key"":""k"",""UploadId"":""9d0e20561ee3659fac38fc09e50d58f9"",""Initiated"":""2026-11-29T00:00:00+00:00"",""Headers"":{},"
        + @"""Encryption"":{""Mode"":""SseS3"",""WrappedKey"":""AfCuPdFcIlvj95O2noRA1SFOC3jpLxlUMW04fgpniGiUZQTZu3XK51WAVNqtH8tVEiEmANTz0k86jpUVPg=="",""BucketKey"":false},"
        + @"""Owner"":""111122223333""}";

    private Task<ObjectStore> GoldenStoreAsync(params KvMutation[] records) =>
        GoldenStore.OpenAsync(new InMemoryStorageProvider(), _f, InlineBodyTests.GoldenBucket, [GoldenStore.Object(InlineBodyTests.GoldenRecord), .. records]);

    [Fact]
    public async Task Golden_object_record_without_checksum_has_none()
    {
        using var store = await GoldenStoreAsync();
        Assert.Equal((null, null, null), ChecksumOf(await HeadAsync("golden", "k", store)));
        // A copy is a new object: it gets the default.
        var copy = await store.CopyObjectAsync(Alice, new CopyObjectRequest("golden", "k", "golden", "copy"));
        Assert.Equal(("CRC64NVME", Sum("CRC64NVME", "golden inline body\n"u8)), (copy.ChecksumAlgorithm, copy.ChecksumValue));
        Assert.Equal((null, null, null), ChecksumOf(await HeadAsync("golden", "k", store)));
    }

    private static async Task<CompleteMultipartUploadResult> CompleteGoldenUploadAsync(ObjectStore store, byte[] data)
    {
        const string uploadId = "9d0e20561ee3659fac38fc09e50d58f9";
        var part = await store.UploadPartAsync(Alice, new UploadPartRequest("golden", "k", uploadId, 1, Body(data)));
        Assert.Null(part.ChecksumValue);
        return await store.CompleteMultipartUploadAsync(Alice, new("golden", "k", uploadId, [new(1, part.ETag)]));
    }

    [Fact]
    public async Task Golden_upload_record_without_default_checksum_completes_without_one()
    {
        using var store = await GoldenStoreAsync(new KvMutation("upload/golden/9d0e20561ee3659fac38fc09e50d58f9", Encoding.UTF8.GetBytes(GoldenUpload)));
        var done = await CompleteGoldenUploadAsync(store, TestUtil.Pattern(300));
        Assert.Equal((null, null, null), (done.ChecksumAlgorithm, done.ChecksumValue, done.ChecksumType));
        Assert.Equal((null, null, null), ChecksumOf(await HeadAsync("golden", "k", store)));
    }

    [Fact]
    public async Task Golden_default_checksum_upload_record_reads()
    {
        using var store = await GoldenStoreAsync(new KvMutation("upload/golden/9d0e20561ee3659fac38fc09e50d58f9",
            Encoding.UTF8.GetBytes(GoldenUpload[..^1] + @",""DefaultChecksum"":true}")));
        var data = TestUtil.Pattern(300);
        var done = await CompleteGoldenUploadAsync(store, data);
        Assert.Equal(("CRC64NVME", Sum("CRC64NVME", data), "FULL_OBJECT"), (done.ChecksumAlgorithm, done.ChecksumValue, done.ChecksumType));
        Assert.Equal(("CRC64NVME", Sum("CRC64NVME", data), "FULL_OBJECT"), ChecksumOf(await HeadAsync("golden", "k", store)));
    }
}
