using System.Text;
using SseSim.Core.Storage;
using static SseSim.Objects.Tests.StoreFixture;

namespace SseSim.Objects.Tests;

/// <summary>Object and bucket tag sets: limits, lifetime with the object, and the record format (docs/formats/s3-metadata-records.md#tags).</summary>
public sealed class TaggingTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static S3Tag T(string key, string value = "v") => new(key, value);

    private static async Task<S3Exception> Fails(Func<Task> action, string code, int status, string? message = null)
    {
        var e = await Assert.ThrowsAsync<S3Exception>(action);
        Assert.Equal(code, e.Code);
        Assert.Equal(status, e.StatusCode);
        if (message is not null)
        {
            Assert.Equal(message, e.Message);
        }
        return e;
    }

    private Task PutTaggedAsync(string key, params S3Tag[] tags) =>
        _f.Store.PutObjectAsync(Alice, new PutObjectRequest("bkt", key, Body([1, 2, 3])) { Tags = tags });

    private Task<IReadOnlyList<S3Tag>> TagsAsync(string key) => _f.Store.GetObjectTaggingAsync(Alice, "bkt", key);

    private async Task<int> TagCountAsync(string key) =>
        (await _f.Store.HeadObjectAsync(Alice, new GetObjectRequest("bkt", key))).Object.TagCount;

    [Fact]
    public async Task Put_tags_are_sorted_by_key_counted_on_head_and_replaced_on_overwrite()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        await PutTaggedAsync("k", T("b", "2"), T("a", ""), T("B", "3"));
        Assert.Equal([T("B", "3"), T("a", ""), T("b", "2")], await TagsAsync("k"));
        Assert.Equal(3, await TagCountAsync("k"));

        await _f.PutAsync("bkt", "k", [4]);
        Assert.Empty(await TagsAsync("k"));
        Assert.Equal(0, await TagCountAsync("k"));

        await PutTaggedAsync("k", T("x"));
        await _f.Store.DeleteObjectAsync(Alice, "bkt", "k");
        await Fails(() => TagsAsync("k"), S3ErrorCode.NoSuchKey, 404);
        await _f.PutAsync("bkt", "k", [5]);
        Assert.Empty(await TagsAsync("k"));
    }

    [Fact]
    public async Task Put_get_and_delete_object_tagging_keep_the_body_etag_and_last_modified()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        var data = TestUtil.Pattern(3000);
        var put = await _f.PutAsync("bkt", "dir/ü k", data);
        _f.Time.Advance(TimeSpan.FromMinutes(5));
        await _f.Store.PutObjectTaggingAsync(Alice, "bkt", "dir/ü k", [T("project", "blue"), T("stage", "")]);
        Assert.Equal([T("project", "blue"), T("stage", "")], await TagsAsync("dir/ü k"));
        var head = await _f.Store.HeadObjectAsync(Alice, new GetObjectRequest("bkt", "dir/ü k"));
        Assert.Equal(put.ETag, head.Object.ETag);
        Assert.Equal(put.LastModified, head.Object.LastModified);
        Assert.Equal(2, head.Object.TagCount);
        Assert.Equal(data, await _f.GetAsync("bkt", "dir/ü k"));

        await _f.Store.PutObjectTaggingAsync(Alice, "bkt", "dir/ü k", [T("only")]);
        Assert.Equal([T("only")], await TagsAsync("dir/ü k"));
        await _f.Store.DeleteObjectTaggingAsync(Alice, "bkt", "dir/ü k");
        Assert.Empty(await TagsAsync("dir/ü k"));
        await _f.Store.PutObjectTaggingAsync(Alice, "bkt", "dir/ü k", [T("a")]);
        await _f.Store.PutObjectTaggingAsync(Alice, "bkt", "dir/ü k", []);
        Assert.Empty(await TagsAsync("dir/ü k"));
        Assert.Equal(data, await _f.GetAsync("bkt", "dir/ü k"));

        await Fails(() => _f.Store.PutObjectTaggingAsync(Alice, "bkt", "missing", [T("a")]), S3ErrorCode.NoSuchKey, 404);
        await Fails(() => _f.Store.DeleteObjectTaggingAsync(Alice, "bkt", "missing"), S3ErrorCode.NoSuchKey, 404);
        await Fails(() => _f.Store.GetObjectTaggingAsync(Alice, "no-such-bucket", "k"), S3ErrorCode.NoSuchBucket, 404);
    }

    [Fact]
    public async Task Object_tag_limits_are_S3s()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        await _f.PutAsync("bkt", "k", [1]);
        Task Tag(params S3Tag[] tags) => _f.Store.PutObjectTaggingAsync(Alice, "bkt", "k", tags);

        await Fails(() => Tag([.. Enumerable.Range(0, 11).Select(i => T("k" + i))]), S3ErrorCode.BadRequest, 400, "Object tags cannot be greater than 10");
        await Fails(() => Tag(T("a"), T("a")), S3ErrorCode.InvalidTag, 400, "Cannot provide multiple Tags with the same key");
        await Fails(() => Tag(T("aws:x")), S3ErrorCode.InvalidTag, 400, "Your TagKey cannot be prefixed with aws:");
        await Fails(() => Tag(T(new string('k', 129))), S3ErrorCode.InvalidTag, 400);
        await Fails(() => Tag(T("k", new string('v', 257))), S3ErrorCode.InvalidTag, 400);
        await Fails(() => Tag(T("")), S3ErrorCode.InvalidTag, 400, "The TagKey you have provided is invalid");
        await Fails(() => Tag(T("a{b}")), S3ErrorCode.InvalidTag, 400, "The TagKey you have provided is invalid");
        await Fails(() => Tag(T("a", "x#y")), S3ErrorCode.InvalidTag, 400, "The TagValue you have provided is invalid");
        await Fails(() => Tag(T("a\uD800")), S3ErrorCode.InvalidTag, 400);
        // A refused tag set leaves the previous one.
        Assert.Empty(await TagsAsync("k"));

        var most = Enumerable.Range(0, 10).Select(i => T(i + new string('k', 127), new string('v', 256))).ToArray();
        await Tag(most);
        Assert.Equal(10, (await TagsAsync("k")).Count);
        // Letters of any script (outside the BMP too), digits, white space and the allowed symbols.
        await Tag(T("Ünïcödé 키 𝐀", "٣ _.:/=+-@"), T("aws", "AWS:"));
        Assert.Equal(2, (await TagsAsync("k")).Count);
        // S3 counts UTF-16 code units: 64 supplementary letters are 128.
        await Tag(T(string.Concat(Enumerable.Repeat("𝐀", 64))));
        await Fails(() => Tag(T(string.Concat(Enumerable.Repeat("𝐀", 65)))), S3ErrorCode.InvalidTag, 400);

        await Fails(() => _f.Store.PutObjectAsync(Alice, new PutObjectRequest("bkt", "new", Body([1])) { Tags = [T("aws:x")] }), S3ErrorCode.InvalidTag, 400);
        await Fails(() => TagsAsync("new"), S3ErrorCode.NoSuchKey, 404);
    }

    [Fact]
    public async Task Copy_keeps_or_replaces_tags_and_multipart_applies_them_at_completion()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        await PutTaggedAsync("src", T("from", "source"));
        await _f.Store.CopyObjectAsync(Alice, new CopyObjectRequest("bkt", "src", "bkt", "copied"));
        Assert.Equal([T("from", "source")], await TagsAsync("copied"));
        await _f.Store.CopyObjectAsync(Alice, new CopyObjectRequest("bkt", "src", "bkt", "ignored") { TaggingDirective = "COPY", Tags = [T("x")] });
        Assert.Equal([T("from", "source")], await TagsAsync("ignored"));
        await _f.Store.CopyObjectAsync(Alice, new CopyObjectRequest("bkt", "src", "bkt", "replaced") { TaggingDirective = "REPLACE", Tags = [T("new", "tag")] });
        Assert.Equal([T("new", "tag")], await TagsAsync("replaced"));
        await _f.Store.CopyObjectAsync(Alice, new CopyObjectRequest("bkt", "src", "bkt", "cleared") { TaggingDirective = "REPLACE" });
        Assert.Empty(await TagsAsync("cleared"));
        var e = await Fails(() => _f.Store.CopyObjectAsync(Alice, new CopyObjectRequest("bkt", "src", "bkt", "bad") { TaggingDirective = "MERGE" }), S3ErrorCode.InvalidArgument, 400);
        Assert.Equal("x-amz-tagging-directive", e.Details["ArgumentName"]);

        await Fails(() => _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest("bkt", "mp") { Tags = [T("a"), T("a")] }), S3ErrorCode.InvalidTag, 400);
        var upload = await _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest("bkt", "mp") { Tags = [T("z", "1"), T("m", "2")] });
        var part = await _f.Store.UploadPartAsync(Alice, new UploadPartRequest("bkt", "mp", upload.UploadId, 1, Body([9, 9])));
        await Fails(() => TagsAsync("mp"), S3ErrorCode.NoSuchKey, 404);
        await _f.Store.CompleteMultipartUploadAsync(Alice, new CompleteMultipartUploadRequest("bkt", "mp", upload.UploadId, [new CompletedPart(1, part.ETag)]));
        Assert.Equal([T("m", "2"), T("z", "1")], await TagsAsync("mp"));
    }

    [Fact]
    public async Task Bucket_tagging_answers_NoSuchTagSet_until_set_and_after_delete()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        var none = await Fails(() => _f.Store.GetBucketTaggingAsync(Alice, "bkt"), S3ErrorCode.NoSuchTagSet, 404, "The TagSet does not exist");
        Assert.Equal("bkt", none.Details["BucketName"]);
        await _f.Store.PutBucketTaggingAsync(Alice, "bkt", [T("team", "storage"), T("cost", "42")]);
        Assert.Equal([T("cost", "42"), T("team", "storage")], await _f.Store.GetBucketTaggingAsync(Alice, "bkt"));
        await Fails(() => _f.Store.PutBucketTaggingAsync(Alice, "bkt", [.. Enumerable.Range(0, 51).Select(i => T("k" + i))]),
            S3ErrorCode.BadRequest, 400, "Bucket tag count cannot be greater than 50");
        await Fails(() => _f.Store.PutBucketTaggingAsync(Alice, "bkt", [T("aws:cloudformation:stack-name")]),
            S3ErrorCode.InvalidTag, 400, "System tags cannot be added/updated by requester");
        await _f.Store.PutBucketTaggingAsync(Alice, "bkt", [.. Enumerable.Range(0, 50).Select(i => T("k" + i))]);
        Assert.Equal(50, (await _f.Store.GetBucketTaggingAsync(Alice, "bkt")).Count);
        await _f.Store.DeleteBucketTaggingAsync(Alice, "bkt");
        await Fails(() => _f.Store.GetBucketTaggingAsync(Alice, "bkt"), S3ErrorCode.NoSuchTagSet, 404);
        await _f.Store.PutBucketTaggingAsync(Alice, "bkt", [T("a")]);
        await _f.Store.PutBucketTaggingAsync(Alice, "bkt", []);
        await Fails(() => _f.Store.GetBucketTaggingAsync(Alice, "bkt"), S3ErrorCode.NoSuchTagSet, 404);
        await Fails(() => _f.Store.PutBucketTaggingAsync(Alice, "missing-bucket", [T("a")]), S3ErrorCode.NoSuchBucket, 404);
    }

    [Fact]
    public async Task Tags_are_kept_in_the_record_and_read_by_a_restarted_store()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        await _f.Store.PutBucketTaggingAsync(Alice, "bkt", [T("b", "1")]);
        await PutTaggedAsync("k", T("a", "1"));
        _f.Storage.OpenTable(ObjectStore.MetadataTableName).TryGet("obj/bkt/k", out var raw);
        Assert.Contains("\"Tags\":[{\"Key\":\"a\",\"Value\":\"1\"}]", Encoding.UTF8.GetString(raw), StringComparison.Ordinal);

        using var master = Core.Secrets.SecretBytes.CopyFrom(_f.MasterKeyCopy);
        using var restarted = ObjectStore.Create(_f.Storage, _f.DataDir, _f.Kms, master, _f.Time);
        await restarted.RecoverAsync();
        Assert.Equal([T("a", "1")], await restarted.GetObjectTaggingAsync(Alice, "bkt", "k"));
        Assert.Equal([T("b", "1")], await restarted.GetBucketTaggingAsync(Alice, "bkt"));
    }

    // Golden vectors (docs/formats/s3-metadata-records.md#tags): InlineBodyTests' records, written before tags existed,
    // and the same object record with a Tags member as this format writes it.
    private const string GoldenTags = @",""Tags"":[{""Key"":""env"",""Value"":""prod""},{""Key"":""team"",""Value"":""""}]}";

    private Task<ObjectStore> GoldenStoreAsync(string record) =>
        GoldenStore.OpenAsync(new InMemoryStorageProvider(), _f, InlineBodyTests.GoldenBucket, GoldenStore.Object(record));

    [Fact]
    public async Task Golden_record_without_tags_reads_as_untagged()
    {
        using var store = await GoldenStoreAsync(InlineBodyTests.GoldenRecord);
        Assert.Empty(await store.GetObjectTaggingAsync(Alice, "golden", "k"));
        Assert.Equal(0, (await store.HeadObjectAsync(Alice, new GetObjectRequest("golden", "k"))).Object.TagCount);
        await Fails(() => store.GetBucketTaggingAsync(Alice, "golden"), S3ErrorCode.NoSuchTagSet, 404);
        // Tagging it rewrites the record only; the inline body still decrypts.
        await store.PutObjectTaggingAsync(Alice, "golden", "k", [T("new")]);
        using var get = await store.GetObjectAsync(Alice, new GetObjectRequest("golden", "k"));
        using var output = new MemoryStream();
        await get.WriteBodyAsync(output);
        Assert.Equal("golden inline body\n", Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal(1, get.Object.TagCount);
    }

    [Fact]
    public async Task Golden_record_with_tags_reads()
    {
        using var store = await GoldenStoreAsync(InlineBodyTests.GoldenRecord[..^1] + GoldenTags);
        Assert.Equal([T("env", "prod"), T("team", "")], await store.GetObjectTaggingAsync(Alice, "golden", "k"));
        Assert.Equal(2, (await store.HeadObjectAsync(Alice, new GetObjectRequest("golden", "k"))).Object.TagCount);
    }
}
