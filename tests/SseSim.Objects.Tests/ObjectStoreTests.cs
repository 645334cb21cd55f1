using System.Security.Cryptography;
using System.Text;
using SseSim.Objects.Envelope;
using static SseSim.Objects.Tests.StoreFixture;

namespace SseSim.Objects.Tests;

public sealed class ObjectStoreTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private async Task<string> BucketAsync(string name = "bucket-1")
    {
        await _f.Store.CreateBucketAsync(Alice, name);
        return name;
    }

    private static string Md5Hex(byte[] data) => Convert.ToHexStringLower(MD5.HashData(data));

    private static async Task<S3Exception> Fails(Func<Task> action, string code, int status)
    {
        var e = await Assert.ThrowsAsync<S3Exception>(action);
        Assert.Equal(code, e.Code);
        Assert.Equal(status, e.StatusCode);
        return e;
    }

    [Fact]
    public async Task Bucket_lifecycle_and_configuration()
    {
        var b = await BucketAsync();
        // us-east-1 keeps S3's legacy answer to re-creating your own bucket: 200 OK, nothing changed.
        Assert.Equal(b, (await _f.Store.CreateBucketAsync(Alice, b)).Name);
        await Fails(() => _f.Store.CreateBucketAsync(Alice, b, "eu-west-1"), S3ErrorCode.BucketAlreadyOwnedByYou, 409);
        await Fails(() => _f.Store.CreateBucketAsync(Alice, "Bad_Name"), S3ErrorCode.InvalidBucketName, 400);
        await Fails(() => _f.Store.HeadBucketAsync(Alice, "nope-bucket"), S3ErrorCode.NoSuchBucket, 404);
        Assert.Equal(["bucket-1"], (await _f.Store.ListBucketsAsync(Alice)).Select(x => x.Name));
        Assert.Equal("us-east-1", await _f.Store.GetBucketLocationAsync(Alice, b));
        Assert.Equal("AES256", (await _f.Store.GetBucketEncryptionAsync(Alice, b)).SseAlgorithm);
        await Fails(() => _f.Store.PutBucketEncryptionAsync(Alice, b, new BucketEncryptionRule("AES256", "k")), S3ErrorCode.InvalidArgument, 400);
        await _f.Store.PutBucketEncryptionAsync(Alice, b, new BucketEncryptionRule("aws:kms", "k1", true));
        Assert.Equal(new BucketEncryptionRule("aws:kms", "k1", true), await _f.Store.GetBucketEncryptionAsync(Alice, b));
        await _f.Store.DeleteBucketEncryptionAsync(Alice, b);
        await Fails(() => _f.Store.GetBucketPolicyAsync(Alice, b), S3ErrorCode.NoSuchBucketPolicy, 404);
        await Fails(() => _f.Store.PutBucketPolicyAsync(Alice, b, "nope"), S3ErrorCode.MalformedPolicy, 400);
        await _f.Store.PutBucketPolicyAsync(Alice, b, """{"Version":"2012-10-17","Statement":[]}""");
        Assert.Contains("Statement", await _f.Store.GetBucketPolicyAsync(Alice, b));
        await _f.PutAsync(b, "k", [1]);
        await Fails(() => _f.Store.DeleteBucketAsync(Alice, b), S3ErrorCode.BucketNotEmpty, 409);
        await _f.Store.DeleteObjectAsync(Alice, b, "k");
        await _f.Store.DeleteBucketAsync(Alice, b);
        Assert.Empty(await _f.Store.ListBucketsAsync(Alice));
    }

    [Fact]
    public async Task Sse_s3_is_the_default_and_etag_is_the_plaintext_md5()
    {
        var b = await BucketAsync();
        var data = TestUtil.Pattern(5000);
        var put = await _f.PutAsync(b, "a/b.txt", data);
        Assert.Equal("AES256", put.Encryption.ServerSideEncryption);
        Assert.Equal(Md5Hex(data), put.ETag);
        Assert.Equal(data, await _f.GetAsync(b, "a/b.txt"));
        Assert.Equal(data[1000..3001], await _f.GetAsync(b, "a/b.txt", new ByteRangeSpec(1000, 3000)));
        Assert.Equal(data[^10..], await _f.GetAsync(b, "a/b.txt", new ByteRangeSpec(null, 10)));
        Assert.Equal(data[4990..], await _f.GetAsync(b, "a/b.txt", new ByteRangeSpec(4990, 99999)));
        await Fails(() => _f.GetAsync(b, "a/b.txt", new ByteRangeSpec(5000, null)), S3ErrorCode.InvalidRange, 416);
        await Fails(() => _f.GetAsync(b, "missing"), S3ErrorCode.NoSuchKey, 404);
        Assert.Equal(0, _f.Kms.TotalCalls);
        var head = await _f.Store.HeadObjectAsync(Alice, new GetObjectRequest(b, "a/b.txt"));
        Assert.Equal(5000, head.Object.Size);
        Assert.Equal("AES256", head.Object.Encryption.ServerSideEncryption);
    }

    [Fact]
    public async Task Empty_objects_round_trip()
    {
        var b = await BucketAsync();
        await _f.PutAsync(b, "empty", []);
        Assert.Empty(await _f.GetAsync(b, "empty"));
        await Fails(() => _f.GetAsync(b, "empty", new ByteRangeSpec(0, 0)), S3ErrorCode.InvalidRange, 416);
    }

    [Fact]
    public async Task Sse_kms_calls_kms_once_per_put_and_get_with_the_object_arn_context()
    {
        var b = await BucketAsync();
        var data = TestUtil.Pattern(3000);
        var context = Convert.ToBase64String("""{"team":"blue"}"""u8);
        var put = await _f.PutAsync(b, "doc", data, new SseRequest { ServerSideEncryption = "aws:kms", KmsKeyId = "key-1", EncryptionContext = context });
        Assert.Equal("aws:kms", put.Encryption.ServerSideEncryption);
        Assert.Equal(FakeDataKeyService.Arn("key-1"), put.Encryption.KmsKeyArn);
        Assert.Equal(context, put.Encryption.EncryptionContext);
        Assert.NotEqual(Md5Hex(data), put.ETag);
        Assert.Equal(1, _f.Kms.GenerateCalls);
        var ctx = _f.Kms.Contexts.Single();
        Assert.Equal("arn:aws:s3:::bucket-1/doc", ctx["aws:s3:arn"]);
        Assert.Equal("blue", ctx["team"]);

        Assert.Equal(data, await _f.GetAsync(b, "doc"));
        Assert.Equal(data[5..6], await _f.GetAsync(b, "doc", new ByteRangeSpec(5, 5)));
        Assert.Equal(2, _f.Kms.DecryptCalls);
        var head = await _f.Store.HeadObjectAsync(Alice, new GetObjectRequest(b, "doc"));
        Assert.Null(head.Object.Encryption.EncryptionContext);
        Assert.Equal(put.ETag, head.Object.ETag);

        // No key id means the AWS managed key.
        var put2 = await _f.PutAsync(b, "doc2", data, new SseRequest { ServerSideEncryption = "aws:kms" });
        Assert.Equal(FakeDataKeyService.Arn("alias/aws/s3"), put2.Encryption.KmsKeyArn);
    }

    [Fact]
    public async Task Kms_failures_surface_as_s3_errors()
    {
        var b = await BucketAsync();
        await _f.PutAsync(b, "doc", [1, 2, 3], new SseRequest { ServerSideEncryption = "aws:kms", KmsKeyId = "key-1" });
        await Fails(() => _f.PutAsync(b, "x", [1], new SseRequest { ServerSideEncryption = "aws:kms", KmsKeyId = "missing" }), S3ErrorCode.KmsNotFound, 400);
        _f.Kms.DenyDecrypt = true;
        await Fails(() => _f.GetAsync(b, "doc"), S3ErrorCode.AccessDenied, 403);
        _f.Kms.DenyDecrypt = false;
        _f.Kms.Disabled.Add(FakeDataKeyService.Arn("key-1"));
        await Fails(() => _f.GetAsync(b, "doc"), S3ErrorCode.KmsDisabled, 400);
        await Fails(() => _f.PutAsync(b, "y", [1], new SseRequest { ServerSideEncryption = "aws:kms", KmsKeyId = "key-1" }), S3ErrorCode.KmsDisabled, 400);
        Assert.Equal(S3ErrorCode.KmsInvalidState, S3Exception.FromKeyService(new("KMSInvalidStateException", "pending deletion")).Code);
        await Fails(() => _f.PutAsync(b, "z", [1], new SseRequest { ServerSideEncryption = "bogus" }), S3ErrorCode.InvalidArgument, 400);
        await Fails(() => _f.PutAsync(b, "z", [1], new SseRequest { KmsKeyId = "key-1" }), S3ErrorCode.InvalidArgument, 400);
        await Fails(() => _f.PutAsync(b, "z", [1], new SseRequest { ServerSideEncryption = "aws:kms", EncryptionContext = "not json" }), S3ErrorCode.InvalidArgument, 400);
        Assert.Empty((await _f.Store.ListObjectsAsync(Alice, new ListObjectsRequest(b) { Prefix = "y" })).Contents);
    }

    [Fact]
    public async Task Sse_kms_needs_sigv4_and_fails_before_any_kms_call()
    {
        var b = await BucketAsync();
        var sigV2 = Alice with { SignatureV2 = true };
        await _f.PutAsync(b, "doc", [1, 2, 3], new SseRequest { ServerSideEncryption = "aws:kms", KmsKeyId = "key-1" });
        var calls = _f.Kms.TotalCalls;

        var e = await Fails(() => _f.GetAsync(b, "doc", caller: sigV2), S3ErrorCode.InvalidArgument, 400);
        Assert.Equal("Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.", e.Message);
        await Fails(() => _f.PutAsync(b, "new", [1], new SseRequest { ServerSideEncryption = "aws:kms" }, sigV2), S3ErrorCode.InvalidArgument, 400);
        Assert.Equal(calls, _f.Kms.TotalCalls);
        await Fails(() => _f.GetAsync(b, "new"), S3ErrorCode.NoSuchKey, 404);

        // SSE-S3 needs no KMS, so SigV2 is fine there, as on AWS.
        await _f.PutAsync(b, "plain", [4, 5], caller: sigV2);
        Assert.Equal([4, 5], await _f.GetAsync(b, "plain", caller: sigV2));
    }

    [Fact]
    public async Task Sse_c_keeps_no_key_and_checks_it_on_every_read()
    {
        var b = await BucketAsync();
        var data = TestUtil.Pattern(2500);
        var key = CustomerKey(1);
        var put = await _f.PutAsync(b, "secret", data, new SseRequest { CustomerKey = key });
        Assert.Null(put.Encryption.ServerSideEncryption);
        Assert.Equal("AES256", put.Encryption.CustomerAlgorithm);
        Assert.Equal(key.KeyMd5, put.Encryption.CustomerKeyMd5);
        Assert.NotEqual(Md5Hex(data), put.ETag);
        Assert.Equal(data, await _f.GetAsync(b, "secret", customer: key));
        Assert.Equal(data[100..200], await _f.GetAsync(b, "secret", new ByteRangeSpec(100, 199), key));
        await Fails(() => _f.GetAsync(b, "secret", customer: CustomerKey(2)), S3ErrorCode.AccessDenied, 403);
        await Fails(() => _f.GetAsync(b, "secret"), S3ErrorCode.InvalidRequest, 400);
        await Fails(() => _f.GetAsync(b, "secret", customer: key with { KeyMd5 = CustomerKey(2).KeyMd5 }), S3ErrorCode.InvalidArgument, 400);
        await Fails(() => _f.GetAsync(b, "secret", customer: key with { KeyMd5 = null }), S3ErrorCode.InvalidArgument, 400);
        await Fails(() => _f.GetAsync(b, "secret", customer: key with { Algorithm = "AES128" }), S3ErrorCode.InvalidEncryptionAlgorithmError, 400);
        await Fails(() => _f.Store.HeadObjectAsync(Alice, new GetObjectRequest(b, "secret") { CustomerKey = CustomerKey(3) }), S3ErrorCode.AccessDenied, 403);
        await Fails(() => _f.PutAsync(b, "x", data, new SseRequest { CustomerKey = key, ServerSideEncryption = "AES256" }), S3ErrorCode.InvalidArgument, 400);
        Assert.Equal(0, _f.Kms.TotalCalls);

        var raw = Convert.FromBase64String(key.Key!);
        foreach (var file in Directory.EnumerateFiles(_f.DataDir, "*", SearchOption.AllDirectories))
        {
            Assert.False(Contains(File.ReadAllBytes(file), raw));
        }
    }

    [Fact]
    public async Task Concurrent_misses_of_a_cold_bucket_key_share_one_kms_call()
    {
        var b = await BucketAsync();
        await _f.Store.PutBucketEncryptionAsync(Alice, b, new BucketEncryptionRule("aws:kms", "key-1", BucketKeyEnabled: true));
        var data = TestUtil.Pattern(700);
        // A slow KMS: the first PUT's GenerateDataKey is still running when the other 15 miss the cache.
        var kms = new TaskCompletionSource();
        _f.Kms.Hold = kms.Task;
        var puts = Enumerable.Range(0, 16).Select(i => Task.Run(() => _f.PutAsync(b, $"burst-{i}", data))).ToList();
        while (_f.Kms.GenerateCalls == 0)
        {
            await Task.Delay(5);
        }
        await Task.Delay(200);
        kms.SetResult();
        await Task.WhenAll(puts);
        Assert.Equal(1, _f.Kms.GenerateCalls);

        // The same for GETs after the decrypt side of the cache went cold (another requester, so nothing is cached).
        _f.Kms.Hold = (kms = new TaskCompletionSource()).Task;
        var gets = Enumerable.Range(0, 16).Select(i => Task.Run(() => _f.GetAsync(b, $"burst-{i}", caller: Bob))).ToList();
        while (_f.Kms.DecryptCalls == 0)
        {
            await Task.Delay(5);
        }
        await Task.Delay(200);
        kms.SetResult();
        Assert.All(await Task.WhenAll(gets), got => Assert.Equal(data, got));
        Assert.Equal(1, _f.Kms.DecryptCalls);

        // A failed KMS call leaves nothing cached: the waiters then ask KMS themselves and fail as they would have.
        _f.Kms.Hold = null;
        _f.Time.Advance(TimeSpan.FromHours(1));
        _f.Kms.Disabled.Add(FakeDataKeyService.Arn("key-1"));
        var refused = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
            await Assert.ThrowsAnyAsync<Exception>(() => _f.PutAsync(b, $"refused-{i}", data))));
        Assert.Equal(4, refused.Length);
    }

    [Fact]
    public async Task Bucket_keys_cut_kms_calls_by_99_percent()
    {
        var b = await BucketAsync();
        await _f.Store.PutBucketEncryptionAsync(Alice, b, new BucketEncryptionRule("aws:kms", "key-1", BucketKeyEnabled: true));
        var data = TestUtil.Pattern(700);
        for (var i = 0; i < 200; i++)
        {
            var put = await _f.PutAsync(b, $"obj-{i}", data);
            Assert.True(put.Encryption.BucketKeyEnabled);
            Assert.Equal(data, await _f.GetAsync(b, $"obj-{i}"));
        }
        Assert.True(_f.Kms.TotalCalls <= 4, $"{_f.Kms.TotalCalls} KMS calls for 400 requests");
        Assert.All(_f.Kms.Contexts, c => Assert.Equal("arn:aws:s3:::bucket-1", c["aws:s3:arn"]));

        // Another requester gets its own bucket key (KMS checks every requester), and expiry forces a refresh.
        var before = _f.Kms.TotalCalls;
        Assert.Equal(data, await _f.GetAsync(b, "obj-0", caller: Bob));
        Assert.Equal(before + 1, _f.Kms.TotalCalls);
        _f.Time.Advance(TimeSpan.FromHours(1));
        await _f.PutAsync(b, "late", data);
        Assert.Equal(before + 2, _f.Kms.TotalCalls);

        // Per-object keys differ even under one bucket key: swapping bodies fails.
        var off = await _f.Store.HeadObjectAsync(Alice, new GetObjectRequest(b, "obj-1"));
        Assert.True(off.Object.Encryption.BucketKeyEnabled);
        var put2 = await _f.PutAsync(b, "no-bk", data, new SseRequest { ServerSideEncryption = "aws:kms", KmsKeyId = "key-1", BucketKeyEnabled = false });
        Assert.False(put2.Encryption.BucketKeyEnabled);
    }

    [Fact]
    public async Task Swapped_ciphertexts_fail_authentication()
    {
        var b = await BucketAsync();
        await _f.PutAsync(b, "one", TestUtil.Pattern(3000, 1));
        await _f.PutAsync(b, "two", TestUtil.Pattern(3000, 2));
        var files = Directory.EnumerateFiles(Path.Combine(_f.DataDir, "objects", "bodies"), "*", SearchOption.AllDirectories).ToArray();
        Assert.Equal(2, files.Length);
        var a = File.ReadAllBytes(files[0]);
        File.WriteAllBytes(files[0], File.ReadAllBytes(files[1]));
        File.WriteAllBytes(files[1], a);
        await Assert.ThrowsAsync<EnvelopeException>(() => _f.GetAsync(b, "one"));
        await Assert.ThrowsAsync<EnvelopeException>(() => _f.GetAsync(b, "two"));
    }

    [Fact]
    public async Task Conditionals_decide_304_and_412()
    {
        var b = await BucketAsync();
        var put = await _f.PutAsync(b, "k", [1, 2, 3]);
        var etag = $"\"{put.ETag}\"";
        var t = put.LastModified;
        // If-Modified-Since is only meaningful up to now: a later date is ignored.
        _f.Time.Advance(TimeSpan.FromSeconds(5));
        Task Get(Conditions c) => _f.Store.HeadObjectAsync(Alice, new GetObjectRequest(b, "k") { Conditions = c });
        await Get(new Conditions(IfModifiedSince: t.AddDays(1)));
        await Get(new Conditions(IfMatch: etag));
        await Get(new Conditions(IfMatch: "*"));
        await Fails(() => Get(new Conditions(IfMatch: "\"other\"")), S3ErrorCode.PreconditionFailed, 412);
        await Fails(() => Get(new Conditions(IfNoneMatch: etag)), S3ErrorCode.NotModified, 304);
        await Fails(() => Get(new Conditions(IfModifiedSince: t.AddSeconds(1))), S3ErrorCode.NotModified, 304);
        await Get(new Conditions(IfModifiedSince: t.AddSeconds(-1)));
        await Fails(() => Get(new Conditions(IfUnmodifiedSince: t.AddSeconds(-1))), S3ErrorCode.PreconditionFailed, 412);
        // If-Match true wins over a failing If-Unmodified-Since; If-None-Match false wins over If-Modified-Since.
        await Get(new Conditions(IfMatch: etag, IfUnmodifiedSince: t.AddSeconds(-1)));
        await Get(new Conditions(IfNoneMatch: "\"other\"", IfModifiedSince: t.AddSeconds(1)));
    }

    [Fact]
    public async Task Listing_v1_and_v2_with_prefixes_delimiters_and_pages()
    {
        var b = await BucketAsync();
        string[] keys = ["a.txt", "dir/x", "dir/y", "dir/sub/z", "e", "f/g", "zz"];
        foreach (var k in keys)
        {
            await _f.PutAsync(b, k, [1]);
        }
        var all = await _f.Store.ListObjectsAsync(Alice, new ListObjectsRequest(b));
        Assert.Equal(keys.Order(StringComparer.Ordinal), all.Contents.Select(c => c.Key));
        Assert.False(all.IsTruncated);

        var top = await _f.Store.ListObjectsAsync(Alice, new ListObjectsRequest(b) { Delimiter = "/" });
        Assert.Equal(["a.txt", "e", "zz"], top.Contents.Select(c => c.Key));
        Assert.Equal(["dir/", "f/"], top.CommonPrefixes);
        Assert.Equal(5, top.KeyCount);

        var dir = await _f.Store.ListObjectsAsync(Alice, new ListObjectsRequest(b) { Prefix = "dir/", Delimiter = "/" });
        Assert.Equal(["dir/x", "dir/y"], dir.Contents.Select(c => c.Key));
        Assert.Equal(["dir/sub/"], dir.CommonPrefixes);

        // Page through with max-keys 2: every key or prefix exactly once.
        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await _f.Store.ListObjectsAsync(Alice, new ListObjectsRequest(b) { Delimiter = "/", MaxKeys = 2, ContinuationToken = token });
            Assert.True(page.KeyCount <= 2);
            seen.AddRange(page.Contents.Select(c => c.Key).Concat(page.CommonPrefixes).Order(StringComparer.Ordinal));
            token = page.NextContinuationToken;
            Assert.Equal(page.IsTruncated, token is not null);
        }
        while (token is not null);
        Assert.Equal(["a.txt", "dir/", "e", "f/", "zz"], seen);

        var v1 = await _f.Store.ListObjectsAsync(Alice, new ListObjectsRequest(b) { Marker = "dir/y", MaxKeys = 2 });
        Assert.Equal(["e", "f/g"], v1.Contents.Select(c => c.Key));
        Assert.True(v1.IsTruncated);
        Assert.Equal("f/g", v1.NextMarker);
        var after = await _f.Store.ListObjectsAsync(Alice, new ListObjectsRequest(b) { StartAfter = "f/g" });
        Assert.Equal(["zz"], after.Contents.Select(c => c.Key));
        Assert.Empty((await _f.Store.ListObjectsAsync(Alice, new ListObjectsRequest(b) { MaxKeys = 0 })).Contents);

        var deleted = await _f.Store.DeleteObjectsAsync(Alice, b, ["e", "zz", "never"]);
        Assert.All(deleted, d => Assert.True(d.Deleted));
        Assert.Equal(5, (await _f.Store.ListObjectsAsync(Alice, new ListObjectsRequest(b))).Contents.Count);
    }

    [Theory]
    [InlineData("AES256")]
    [InlineData("aws:kms")]
    [InlineData("SSE-C")]
    [InlineData("aws:kms:dsse")]
    public async Task Multipart_parts_are_independent_envelopes_and_ranges_cross_parts(string mode)
    {
        var b = await BucketAsync();
        var customer = mode == "SSE-C" ? CustomerKey(9) : null;
        var sse = mode == "SSE-C" ? new SseRequest { CustomerKey = customer } : new SseRequest { ServerSideEncryption = mode, KmsKeyId = mode.StartsWith("aws:kms", StringComparison.Ordinal) ? "key-1" : null };
        var create = await _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest(b, "big") { Encryption = sse });
        var parts = new[] { TestUtil.Pattern(5000, 1), TestUtil.Pattern(4096, 2), TestUtil.Pattern(777, 3) };
        var etags = new List<CompletedPart>();
        for (var i = 0; i < parts.Length; i++)
        {
            var r = await _f.Store.UploadPartAsync(Alice, new UploadPartRequest(b, "big", create.UploadId, i + 1, Body(parts[i])) { CustomerKey = customer });
            Assert.Equal(mode == "AES256", r.ETag == Md5Hex(parts[i]));
            etags.Add(new CompletedPart(i + 1, $"\"{r.ETag}\""));
        }
        if (customer is not null)
        {
            await Fails(() => _f.Store.UploadPartAsync(Alice, new UploadPartRequest(b, "big", create.UploadId, 9, Body([1]))), S3ErrorCode.InvalidRequest, 400);
            await Fails(() => _f.Store.UploadPartAsync(Alice, new UploadPartRequest(b, "big", create.UploadId, 9, Body([1])) { CustomerKey = CustomerKey(8) }), S3ErrorCode.InvalidRequest, 400);
        }
        var listed = await _f.Store.ListPartsAsync(Alice, b, "big", create.UploadId);
        Assert.Equal([1, 2, 3], listed.Parts.Select(p => p.PartNumber));
        Assert.Single((await _f.Store.ListMultipartUploadsAsync(Alice, new ListMultipartUploadsRequest(b))).Uploads);

        await Fails(() => _f.Store.CompleteMultipartUploadAsync(Alice, new(b, "big", create.UploadId, [etags[1], etags[0]])), S3ErrorCode.InvalidPartOrder, 400);
        await Fails(() => _f.Store.CompleteMultipartUploadAsync(Alice, new(b, "big", create.UploadId, [etags[0] with { ETag = "\"00\"" }])), S3ErrorCode.InvalidPart, 400);
        await Fails(() => _f.Store.CompleteMultipartUploadAsync(Alice, new(b, "big", create.UploadId, [etags[2], etags[2] with { PartNumber = 4 }])), S3ErrorCode.InvalidPart, 400);
        var kmsBefore = _f.Kms.TotalCalls;
        var done = await _f.Store.CompleteMultipartUploadAsync(Alice, new(b, "big", create.UploadId, etags));
        Assert.Equal(kmsBefore, _f.Kms.TotalCalls);
        var expectedEtag = Md5Hex(etags.SelectMany(e => Convert.FromHexString(e.ETag.Trim('"'))).ToArray()) + "-3";
        Assert.Equal(expectedEtag, done.ETag);

        var whole = parts.SelectMany(p => p).ToArray();
        Assert.Equal(whole, await _f.GetAsync(b, "big", customer: customer));
        Assert.Equal(whole[4990..9200], await _f.GetAsync(b, "big", new ByteRangeSpec(4990, 9199), customer));
        using var part2 = await _f.Store.GetObjectAsync(Alice, new GetObjectRequest(b, "big") { PartNumber = 2, CustomerKey = customer });
        Assert.Equal(3, part2.Object.PartsCount);
        Assert.Equal(new ContentRange(5000, 9095, whole.Length), part2.Range);
        await Fails(() => _f.Store.UploadPartAsync(Alice, new UploadPartRequest(b, "big", create.UploadId, 1, Body([1]))), S3ErrorCode.NoSuchUpload, 404);
        Assert.Empty((await _f.Store.ListMultipartUploadsAsync(Alice, new ListMultipartUploadsRequest(b))).Uploads);
    }

    [Fact]
    public async Task Multipart_rejects_small_parts_and_abort_removes_everything()
    {
        var b = await BucketAsync();
        var create = await _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest(b, "k"));
        var p1 = await _f.Store.UploadPartAsync(Alice, new UploadPartRequest(b, "k", create.UploadId, 1, Body(new byte[100])));
        var p2 = await _f.Store.UploadPartAsync(Alice, new UploadPartRequest(b, "k", create.UploadId, 2, Body(new byte[100])));
        await Fails(() => _f.Store.CompleteMultipartUploadAsync(Alice, new(b, "k", create.UploadId, [new(1, p1.ETag), new(2, p2.ETag)])), S3ErrorCode.EntityTooSmall, 400);
        await _f.Store.AbortMultipartUploadAsync(Alice, b, "k", create.UploadId);
        await Fails(() => _f.Store.AbortMultipartUploadAsync(Alice, b, "k", create.UploadId), S3ErrorCode.NoSuchUpload, 404);
        Assert.Empty(Directory.EnumerateFiles(_f.DataDir, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Replayed_part_bodies_fail_authentication()
    {
        var b = await BucketAsync();
        var create = await _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest(b, "k"));
        var p1 = await _f.Store.UploadPartAsync(Alice, new UploadPartRequest(b, "k", create.UploadId, 1, Body(TestUtil.Pattern(4096, 1))));
        var p2 = await _f.Store.UploadPartAsync(Alice, new UploadPartRequest(b, "k", create.UploadId, 2, Body(TestUtil.Pattern(4096, 2))));
        await _f.Store.CompleteMultipartUploadAsync(Alice, new(b, "k", create.UploadId, [new(1, p1.ETag), new(2, p2.ETag)]));
        var files = Directory.EnumerateFiles(Path.Combine(_f.DataDir, "objects", "bodies"), "*", SearchOption.AllDirectories).ToArray();
        File.Copy(files[0], files[1], overwrite: true); // part N's ciphertext replayed in the other part's slot
        await Assert.ThrowsAsync<EnvelopeException>(() => _f.GetAsync(b, "k"));
    }

    [Fact]
    public async Task Copy_reencrypts_with_target_settings_and_part_copy_works()
    {
        var b = await BucketAsync();
        var data = TestUtil.Pattern(6000);
        await _f.PutAsync(b, "src", data, new SseRequest { ServerSideEncryption = "aws:kms", KmsKeyId = "key-1" });
        var copy = await _f.Store.CopyObjectAsync(Alice, new CopyObjectRequest(b, "src", b, "dst"));
        Assert.Equal("AES256", copy.Encryption.ServerSideEncryption);
        Assert.Equal(Md5Hex(data), copy.ETag);
        Assert.Equal(data, await _f.GetAsync(b, "dst"));
        await Fails(() => _f.Store.CopyObjectAsync(Alice, new CopyObjectRequest(b, "dst", b, "dst")), S3ErrorCode.InvalidRequest, 400);
        var replaced = await _f.Store.CopyObjectAsync(Alice, new CopyObjectRequest(b, "dst", b, "dst")
        {
            MetadataDirective = "REPLACE",
            Headers = new ObjectHeaders { ContentType = "text/plain" },
            Encryption = new SseRequest { CustomerKey = CustomerKey(4) },
        });
        Assert.Equal("AES256", replaced.Encryption.CustomerAlgorithm);
        var head = await _f.Store.HeadObjectAsync(Alice, new GetObjectRequest(b, "dst") { CustomerKey = CustomerKey(4) });
        Assert.Equal("text/plain", head.Object.Headers.ContentType);
        await Fails(() => _f.Store.CopyObjectAsync(Alice, new CopyObjectRequest(b, "src", b, "x") { SourceConditions = new Conditions(IfMatch: "\"nope\"") }), S3ErrorCode.PreconditionFailed, 412);

        var create = await _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest(b, "mp"));
        var pc = await _f.Store.UploadPartCopyAsync(Alice, new UploadPartCopyRequest(b, "mp", create.UploadId, 1, b, "dst")
        {
            SourceRange = new ByteRangeSpec(1000, 5999),
            SourceCustomerKey = CustomerKey(4),
        });
        await _f.Store.CompleteMultipartUploadAsync(Alice, new(b, "mp", create.UploadId, [new(1, pc.ETag)]));
        Assert.Equal(data[1000..], await _f.GetAsync(b, "mp"));
    }

    [Fact]
    public async Task Canary_never_appears_at_rest_in_any_mode()
    {
        var b = await BucketAsync();
        var canary = Encoding.ASCII.GetBytes("CANARY-7f3a9c-PLAINTEXT-MUST-NOT-LEAK");
        var data = Enumerable.Repeat(canary, 200).SelectMany(x => x).ToArray();
        await _f.PutAsync(b, "s3", data);
        await _f.PutAsync(b, "kms", data, new SseRequest { ServerSideEncryption = "aws:kms", KmsKeyId = "key-1" });
        await _f.PutAsync(b, "bk", data, new SseRequest { ServerSideEncryption = "aws:kms", KmsKeyId = "key-1", BucketKeyEnabled = true });
        await _f.PutAsync(b, "ssec", data, new SseRequest { CustomerKey = CustomerKey(5) });
        var create = await _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest(b, "mp"));
        var part = await _f.Store.UploadPartAsync(Alice, new UploadPartRequest(b, "mp", create.UploadId, 1, Body(data)));
        await _f.Store.CompleteMultipartUploadAsync(Alice, new(b, "mp", create.UploadId, [new(1, part.ETag)]));

        var files = Directory.EnumerateFiles(_f.DataDir, "*", SearchOption.AllDirectories).ToList();
        Assert.Equal(5, files.Count);
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            Assert.False(Contains(bytes, canary), file);
            Assert.False(Contains(bytes, _f.MasterKeyCopy), file);
        }
        foreach (var (_, value) in _f.Storage.OpenTable(ObjectStore.MetadataTableName).Scan(""))
        {
            Assert.False(Contains(value, canary));
            Assert.False(Contains(value, _f.MasterKeyCopy));
        }
        Assert.Equal(data, await _f.GetAsync(b, "bk"));
    }

    [Fact]
    public async Task Failed_put_leaves_nothing_and_recovery_removes_leftovers()
    {
        var b = await BucketAsync();
        await _f.PutAsync(b, "k", [1, 2, 3]);
        var failing = new FailingStream(TestUtil.Pattern(10_000), failAfter: 5000);
        await Assert.ThrowsAsync<IOException>(() =>
            _f.Store.PutObjectAsync(Alice, new PutObjectRequest(b, "k", System.IO.Pipelines.PipeReader.Create(failing))));
        await Assert.ThrowsAsync<IOException>(() =>
            _f.Store.PutObjectAsync(Alice, new PutObjectRequest(b, "new", System.IO.Pipelines.PipeReader.Create(new FailingStream(TestUtil.Pattern(10_000), 5000)))));
        Assert.Equal([1, 2, 3], await _f.GetAsync(b, "k"));
        await Fails(() => _f.GetAsync(b, "new"), S3ErrorCode.NoSuchKey, 404);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_f.DataDir, "objects", "tmp")));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(_f.DataDir, "objects", "bodies"), "*", SearchOption.AllDirectories));

        // Bad Content-MD5 is detected after streaming and also leaves nothing.
        await Fails(() => _f.Store.PutObjectAsync(Alice, new PutObjectRequest(b, "md5", Body([1])) { ContentMd5 = Convert.ToBase64String(new byte[16]) }), S3ErrorCode.BadDigest, 400);
        await Fails(() => _f.Store.PutObjectAsync(Alice, new PutObjectRequest(b, "crc", Body([1])) { Checksum = new ChecksumInput("CRC32", "AAAAAA==") }), S3ErrorCode.BadDigest, 400);

        // Simulated crash: a half-written temp file and a committed-but-unreferenced body, then a restart.
        File.WriteAllBytes(Path.Combine(_f.DataDir, "objects", "tmp", "deadbeef.tmp"), [1, 2]);
        var orphanDir = Path.Combine(_f.DataDir, "objects", "bodies", "ab");
        Directory.CreateDirectory(orphanDir);
        File.WriteAllBytes(Path.Combine(orphanDir, "ab" + new string('0', 30)), [1]);
        using var master = Core.Secrets.SecretBytes.Random(32);
        using var restarted = ObjectStore.Create(_f.Storage, _f.DataDir, _f.Kms, master);
        Assert.Equal(2, await restarted.RecoverAsync());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_f.DataDir, "objects", "tmp")));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(_f.DataDir, "objects", "bodies"), "*", SearchOption.AllDirectories));
        Assert.Equal([1, 2, 3], await _f.GetAsync(b, "k"));
    }

    [Fact]
    public async Task Checksums_are_computed_and_verified()
    {
        var b = await BucketAsync();
        var data = "123456789"u8.ToArray();
        async Task<string?> Sum(string alg) =>
            (await _f.Store.PutObjectAsync(Alice, new PutObjectRequest(b, alg, Body(data)) { Checksum = new ChecksumInput(alg) })).ChecksumValue;
        Assert.Equal(Convert.ToBase64String(Convert.FromHexString("CBF43926")), await Sum("CRC32"));
        Assert.Equal(Convert.ToBase64String(Convert.FromHexString("E3069283")), await Sum("CRC32C"));
        Assert.Equal(Convert.ToBase64String(Convert.FromHexString("AE8B14860A799888")), await Sum("CRC64NVME"));
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(data)), await Sum("SHA256"));
        var head = await _f.Store.HeadObjectAsync(Alice, new GetObjectRequest(b, "CRC32C"));
        Assert.Equal("CRC32C", head.Object.ChecksumAlgorithm);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private sealed class FailingStream(byte[] data, int failAfter) : Stream
    {
        private int _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= failAfter)
            {
                throw new IOException("client went away");
            }
            var n = Math.Min(Math.Min(count, 1000), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
