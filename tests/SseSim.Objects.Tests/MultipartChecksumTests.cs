using SseSim.Objects.Sse;
using static SseSim.Objects.Tests.StoreFixture;

namespace SseSim.Objects.Tests;

/// <summary>
/// The object checksum of a multipart upload: FULL_OBJECT CRCs combined from the parts equal the CRC of the whole
/// plaintext, COMPOSITE is the checksum of the part checksums with "-N", and S3's rules for types and part checksums.
/// </summary>
public sealed class MultipartChecksumTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static string Sum(string algorithm, ReadOnlySpan<byte> data)
    {
        using var sum = new ChecksumCalculator(algorithm);
        sum.Append(data);
        return sum.GetBase64();
    }

    [Theory]
    [InlineData("CRC32")]
    [InlineData("CRC32C")]
    [InlineData("CRC64NVME")]
    public void Full_object_crc_combined_from_parts_is_the_crc_of_the_whole(string algorithm)
    {
        var random = new Random(42);
        for (var round = 0; round < 20; round++)
        {
            var sizes = Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(0, 3000)).ToArray();
            var whole = new byte[sizes.Sum()];
            random.NextBytes(whole);
            var parts = new List<(string, long)>();
            var offset = 0;
            foreach (var size in sizes)
            {
                parts.Add((Sum(algorithm, whole.AsSpan(offset, size)), size));
                offset += size;
            }
            Assert.Equal(Sum(algorithm, whole), MultipartChecksum.Combine(algorithm, MultipartChecksum.FullObject, parts));
        }
    }

    [Fact]
    public void Composite_is_the_checksum_of_the_binary_part_checksums_with_the_part_count()
    {
        var a = Sum("SHA256", "first"u8);
        var b = Sum("SHA256", "second"u8);
        var expected = Sum("SHA256", [.. Convert.FromBase64String(a), .. Convert.FromBase64String(b)]) + "-2";
        Assert.Equal(expected, MultipartChecksum.Combine("SHA256", MultipartChecksum.Composite, [(a, 5), (b, 6)]));
    }

    private async Task<(string UploadId, List<CompletedPart> Parts, byte[] Whole)> UploadAsync(string key, string algorithm, string? type, bool sendChecksums)
    {
        var create = await _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest("bkt", key) { ChecksumAlgorithm = algorithm, ChecksumType = type });
        var data = new[] { TestUtil.Pattern(5000, 1), TestUtil.Pattern(1234, 2) };
        var parts = new List<CompletedPart>();
        for (var i = 0; i < data.Length; i++)
        {
            var r = await _f.Store.UploadPartAsync(Alice, new UploadPartRequest("bkt", key, create.UploadId, i + 1, Body(data[i]))
            {
                Checksum = sendChecksums ? new ChecksumInput(algorithm, Sum(algorithm, data[i])) : null,
            });
            Assert.Equal(sendChecksums ? Sum(algorithm, data[i]) : null, r.ChecksumValue);
            parts.Add(new CompletedPart(i + 1, r.ETag) { Checksum = sendChecksums ? new ChecksumInput(algorithm, r.ChecksumValue) : null });
        }
        return (create.UploadId, parts, data.SelectMany(d => d).ToArray());
    }

    [Fact]
    public async Task Full_object_upload_without_part_checksums_gets_the_whole_objects_crc()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        var (uploadId, parts, whole) = await UploadAsync("full", "CRC32C", "FULL_OBJECT", sendChecksums: false);
        await Fails(() => _f.Store.CompleteMultipartUploadAsync(Alice, new("bkt", "full", uploadId, parts) { Checksum = new ChecksumInput("CRC32C", Sum("CRC32C", "other"u8)) }),
            S3ErrorCode.BadDigest, 400);
        var done = await _f.Store.CompleteMultipartUploadAsync(Alice, new("bkt", "full", uploadId, parts) { Checksum = new ChecksumInput("CRC32C", Sum("CRC32C", whole)) });
        Assert.Equal(("CRC32C", Sum("CRC32C", whole), "FULL_OBJECT"), (done.ChecksumAlgorithm, done.ChecksumValue, done.ChecksumType));
        var head = (await _f.Store.HeadObjectAsync(Alice, new GetObjectRequest("bkt", "full"))).Object;
        Assert.Equal((Sum("CRC32C", whole), "FULL_OBJECT"), (head.ChecksumValue, head.ChecksumType));
    }

    [Fact]
    public async Task Composite_upload_refuses_a_part_without_a_checksum()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        var create = await _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest("bkt", "comp") { ChecksumAlgorithm = "CRC32C" });
        await Fails(() => _f.Store.UploadPartAsync(Alice, new UploadPartRequest("bkt", "comp", create.UploadId, 1, Body("part"u8.ToArray()))), S3ErrorCode.InvalidRequest, 400,
            "Checksum Type mismatch occurred, expected checksum Type: crc32c, actual checksum Type: null");
        Assert.Empty((await _f.Store.ListPartsAsync(Alice, "bkt", "comp", create.UploadId)).Parts);
    }

    [Fact]
    public async Task Composite_upload_needs_every_part_checksum_in_the_complete_and_they_must_match()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        var (uploadId, parts, _) = await UploadAsync("comp", "SHA256", null, sendChecksums: true);
        await Fails(() => _f.Store.CompleteMultipartUploadAsync(Alice, new("bkt", "comp", uploadId, [parts[0], parts[1] with { Checksum = null }])), S3ErrorCode.InvalidRequest, 400,
            "The upload was created using a sha256 checksum. The complete request must include the checksum for each part. It was missing for part 2 in the request.");
        await Fails(() => _f.Store.CompleteMultipartUploadAsync(Alice, new("bkt", "comp", uploadId, [parts[0], parts[1] with { Checksum = parts[0].Checksum }])), S3ErrorCode.InvalidPart, 400);
        await Fails(() => _f.Store.CompleteMultipartUploadAsync(Alice, new("bkt", "comp", uploadId, parts) { ChecksumType = "FULL_OBJECT" }), S3ErrorCode.InvalidRequest, 400);
        var done = await _f.Store.CompleteMultipartUploadAsync(Alice, new("bkt", "comp", uploadId, parts));
        var expected = MultipartChecksum.Combine("SHA256", "COMPOSITE", parts.Select(p => (p.Checksum!.Value!, 0L)).ToList());
        Assert.EndsWith("-2", expected, StringComparison.Ordinal);
        Assert.Equal(("SHA256", expected, "COMPOSITE"), (done.ChecksumAlgorithm, done.ChecksumValue, done.ChecksumType));
        var head = (await _f.Store.HeadObjectAsync(Alice, new GetObjectRequest("bkt", "comp"))).Object;
        Assert.Equal((expected, "COMPOSITE"), (head.ChecksumValue, head.ChecksumType));
    }

    [Theory]
    [InlineData("SHA1", "FULL_OBJECT")]
    [InlineData("CRC64NVME", "COMPOSITE")]
    [InlineData("CRC32", "PARTIAL")]
    [InlineData(null, "COMPOSITE")]
    public async Task Checksum_types_s3_refuses_are_invalid_requests(string? algorithm, string type)
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        await Fails(() => _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest("bkt", "k") { ChecksumAlgorithm = algorithm, ChecksumType = type }),
            S3ErrorCode.InvalidRequest, 400);
    }

    [Fact]
    public async Task Crc64nvme_defaults_to_full_object_and_crc32_to_composite()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        Assert.Equal("FULL_OBJECT", (await _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest("bkt", "a") { ChecksumAlgorithm = "CRC64NVME" })).ChecksumType);
        Assert.Equal("COMPOSITE", (await _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest("bkt", "b") { ChecksumAlgorithm = "CRC32" })).ChecksumType);
        Assert.Null((await _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest("bkt", "c"))).ChecksumType);
    }

    private static async Task Fails(Func<Task> action, string code, int status, string? message = null)
    {
        var e = await Assert.ThrowsAsync<S3Exception>(action);
        Assert.Equal((code, status), (e.Code, e.StatusCode));
        if (message is not null)
        {
            Assert.Equal(message, e.Message);
        }
    }
}
