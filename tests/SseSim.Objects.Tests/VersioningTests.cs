using System.Text;
using SseSim.Core.Storage;
using static SseSim.Objects.Tests.StoreFixture;

namespace SseSim.Objects.Tests;

/// <summary>Bucket versioning as AWS has it, and its records (docs/formats/s3-metadata-records.md#versioning).</summary>
public sealed class VersioningTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static async Task<S3Exception> Fails(Func<Task> action, string code, int status)
    {
        var e = await Assert.ThrowsAsync<S3Exception>(action);
        Assert.Equal((code, status), (e.Code, e.StatusCode));
        return e;
    }

    private IKeyValueStore Table => _f.Storage.OpenTable(ObjectStore.MetadataTableName);

    private async Task<string> ReadAsync(string key, string? versionId = null, ObjectStore? store = null)
    {
        using var result = await (store ?? _f.Store).GetObjectAsync(Alice, new GetObjectRequest("bkt", key) { VersionId = versionId });
        using var output = new MemoryStream();
        await result.WriteBodyAsync(output);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    private Task<PutObjectResult> PutTextAsync(string key, string text) => _f.PutAsync("bkt", key, Encoding.UTF8.GetBytes(text));

    private async Task<List<ObjectVersionSummary>> VersionsAsync(string? prefix = null, ObjectStore? store = null) =>
        [.. (await (store ?? _f.Store).ListObjectVersionsAsync(Alice, new ListObjectVersionsRequest("bkt") { Prefix = prefix })).Versions];

    private async Task EnabledBucketAsync()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        await _f.Store.PutBucketVersioningAsync(Alice, "bkt", "Enabled");
    }

    [Fact]
    public async Task The_dashboard_does_not_show_a_key_whose_current_version_is_a_delete_marker()
    {
        await EnabledBucketAsync();
        await _f.PutAsync("bkt", "a-gone", [1]);
        await _f.PutAsync("bkt", "b-kept", [2]);
        await _f.Store.DeleteObjectAsync(Alice, "bkt", "a-gone");
        Assert.Equal(["b-kept"], _f.Store.InspectObjects("bkt").Select(o => o.Key));
        // A page that starts on the marker still fills up from the keys after it.
        Assert.Equal(["b-kept"], _f.Store.InspectObjects("bkt", limit: 1).Select(o => o.Key));
        Assert.Null(_f.Store.InspectObject("bkt", "a-gone"));
        Assert.NotNull(_f.Store.InspectObject("bkt", "b-kept"));
    }

    [Fact]
    public async Task A_listing_during_overwrites_never_loses_a_version()
    {
        // Each overwrite moves the current version under ver/ and writes the new one in one batch; a listing that
        // scanned the two halves on either side of it missed the version being moved.
        await EnabledBucketAsync();
        await _f.PutAsync("bkt", "k", [0]);
        var writer = Task.Run(async () =>
        {
            for (var i = 1; i <= 150; i++)
            {
                await _f.PutAsync("bkt", "k", [(byte)i]);
            }
        });
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var listings = 0;
        while (!writer.IsCompleted || listings == 0)
        {
            var versions = await VersionsAsync();
            Assert.Single(versions, v => v.IsLatest);
            var ids = versions.Select(v => v.VersionId).ToHashSet(StringComparer.Ordinal);
            Assert.Equal(versions.Count, ids.Count);
            Assert.Subset(ids, seen); // nothing listed before has gone missing
            seen = ids;
            listings++;
        }
        await writer;
        Assert.Equal(151, (await VersionsAsync()).Count);
    }

    [Fact]
    public async Task A_version_id_carries_its_Sequence_and_an_id_of_an_older_build_carries_none()
    {
        // ListObjectVersions places a version-id marker whose version was deleted by the Sequence in its id.
        await EnabledBucketAsync();
        var v1 = (await PutTextAsync("k", "one")).VersionId!;
        var v2 = (await PutTextAsync("k", "two")).VersionId!;
        Assert.Equal(1, ObjectStore.SequenceOf(v1));
        Assert.Equal(2, ObjectStore.SequenceOf(v2));
        Assert.Null(ObjectStore.SequenceOf("3sL4kqtJlcpXroDTDmJ-rmSpXd3dIbrH")); // 24 random bytes: the check fails
        Assert.Null(ObjectStore.SequenceOf("null"));
    }

    [Fact]
    public async Task Enabled_bucket_keeps_every_version_and_delete_markers_hide_the_key()
    {
        await EnabledBucketAsync();
        Assert.Equal("Enabled", await _f.Store.GetBucketVersioningAsync(Alice, "bkt"));
        var v1 = (await PutTextAsync("k", "one")).VersionId!;
        _f.Time.Advance(TimeSpan.FromSeconds(1));
        var v2 = (await PutTextAsync("k", "two")).VersionId!;
        Assert.Matches("^[A-Za-z0-9._]{32}$", v1);
        Assert.NotEqual(v1, v2);
        Assert.Equal("one", await ReadAsync("k", v1));
        Assert.Equal("two", await ReadAsync("k", v2));
        Assert.Equal("two", await ReadAsync("k"));
        Assert.Equal(v2, (await _f.Store.HeadObjectAsync(Alice, new GetObjectRequest("bkt", "k"))).Object.VersionId);
        Assert.Equal(v1, (await _f.Store.HeadObjectAsync(Alice, new GetObjectRequest("bkt", "k") { VersionId = v1 })).Object.VersionId);

        var deleted = await _f.Store.DeleteObjectAsync(Alice, "bkt", "k");
        Assert.True(deleted.DeleteMarker);
        var marker = deleted.VersionId!;
        var missing = await Fails(() => ReadAsync("k"), S3ErrorCode.NoSuchKey, 404);
        Assert.Equal("true", missing.Headers["x-amz-delete-marker"]);
        Assert.Equal(marker, missing.Headers["x-amz-version-id"]);
        var byId = await Fails(() => _f.Store.HeadObjectAsync(Alice, new GetObjectRequest("bkt", "k") { VersionId = marker }), "MethodNotAllowed", 405);
        Assert.Equal("DeleteMarker", byId.Details["ResourceType"]);
        Assert.Equal("HEAD", byId.Details["Method"]);
        Assert.True(byId.Headers.ContainsKey("Last-Modified"));
        // GetObjectAttributes is a GET on the wire, and its 405 names that method.
        var attributes = await Fails(() => _f.Store.GetObjectAttributesAsync(Alice, new GetObjectRequest("bkt", "k") { VersionId = marker }), "MethodNotAllowed", 405);
        Assert.Equal("GET", attributes.Details["Method"]);
        Assert.Empty((await _f.Store.ListObjectsAsync(Alice, new ListObjectsRequest("bkt"))).Contents);

        var versions = await VersionsAsync();
        Assert.Equal([(marker, true, true), (v2, false, false), (v1, false, false)], versions.Select(v => (v.VersionId, v.IsLatest, v.DeleteMarker)));

        // Removing the marker by id makes v2 current again; removing v2 makes v1 current.
        Assert.Equal(new DeleteObjectResult(marker, true), await _f.Store.DeleteObjectAsync(Alice, "bkt", "k", versionId: marker));
        Assert.Equal("two", await ReadAsync("k"));
        Assert.Equal(new DeleteObjectResult(v2, false), await _f.Store.DeleteObjectAsync(Alice, "bkt", "k", versionId: v2));
        Assert.Equal("one", await ReadAsync("k"));
        await Fails(() => ReadAsync("k", v2), "NoSuchVersion", 404);
        await Fails(() => ReadAsync("k", "bad"), S3ErrorCode.InvalidArgument, 400);
        // A version that does not exist deletes nothing and is no error, as on AWS.
        Assert.Equal(new DeleteObjectResult(v2, false), await _f.Store.DeleteObjectAsync(Alice, "bkt", "k", versionId: v2));
        Assert.Equal([v1], (await VersionsAsync()).Select(v => v.VersionId));

        // A marker on a key that never existed is still a version; the bucket is not empty while it is there.
        var lone = await _f.Store.DeleteObjectAsync(Alice, "bkt", "never");
        Assert.True(lone.DeleteMarker);
        await _f.Store.DeleteObjectAsync(Alice, "bkt", "k", versionId: v1);
        await Fails(() => _f.Store.DeleteBucketAsync(Alice, "bkt"), S3ErrorCode.BucketNotEmpty, 409);
        await _f.Store.DeleteObjectAsync(Alice, "bkt", "never", versionId: lone.VersionId);
        Assert.Empty(Table.Scan("ver/"));
        await _f.Store.DeleteBucketAsync(Alice, "bkt");
    }

    [Fact]
    public async Task Suspended_bucket_writes_the_null_version_and_keeps_the_others()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        await PutTextAsync("k", "before");
        await _f.Store.PutBucketVersioningAsync(Alice, "bkt", "Enabled");
        var v1 = (await PutTextAsync("k", "enabled")).VersionId!;
        await _f.Store.PutBucketVersioningAsync(Alice, "bkt", "Suspended");
        Assert.Equal("Suspended", await _f.Store.GetBucketVersioningAsync(Alice, "bkt"));
        Assert.Equal("null", (await PutTextAsync("k", "suspended 1")).VersionId);
        // The null version written before versioning was enabled is replaced, v1 is kept.
        Assert.Equal(["null", v1], (await VersionsAsync()).Select(v => v.VersionId));
        Assert.Equal("null", (await PutTextAsync("k", "suspended 2")).VersionId);
        Assert.Equal(["null", v1], (await VersionsAsync()).Select(v => v.VersionId));
        Assert.Equal("suspended 2", await ReadAsync("k", "null"));
        Assert.Equal("enabled", await ReadAsync("k", v1));

        // DELETE replaces the null version with a null delete marker.
        Assert.Equal(new DeleteObjectResult("null", true), await _f.Store.DeleteObjectAsync(Alice, "bkt", "k"));
        Assert.Equal([("null", true), (v1, false)], (await VersionsAsync()).Select(v => (v.VersionId, v.DeleteMarker)));
        await Fails(() => ReadAsync("k"), S3ErrorCode.NoSuchKey, 404);
        await _f.Store.DeleteObjectAsync(Alice, "bkt", "k", versionId: "null");
        Assert.Equal("enabled", await ReadAsync("k"));
        await Fails(() => _f.Store.PutBucketVersioningAsync(Alice, "bkt", "Off"), S3ErrorCode.MalformedXML, 400);
    }

    [Fact]
    public async Task Unversioned_bucket_records_are_unchanged()
    {
        await _f.Store.CreateBucketAsync(Alice, "bkt");
        Assert.Null(await _f.Store.GetBucketVersioningAsync(Alice, "bkt"));
        Assert.Null((await PutTextAsync("k", "a")).VersionId);
        await PutTextAsync("k", "b");
        Table.TryGet("obj/bkt/k", out var raw);
        var json = Encoding.UTF8.GetString(raw);
        Assert.DoesNotContain("VersionId", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Sequence", json, StringComparison.Ordinal);
        Assert.Empty(Table.Scan("ver/"));
        Assert.Null((await _f.Store.HeadObjectAsync(Alice, new GetObjectRequest("bkt", "k"))).Object.VersionId);
        Assert.Equal("b", await ReadAsync("k", "null"));
        Assert.Equal(new DeleteObjectResult(null, false), await _f.Store.DeleteObjectAsync(Alice, "bkt", "k"));
        Assert.Empty(Table.Scan("obj/"));
    }

    [Fact]
    public async Task Copy_restores_an_older_version_and_refuses_a_marker()
    {
        await EnabledBucketAsync();
        var v1 = (await PutTextAsync("k", "one")).VersionId!;
        var v2 = (await PutTextAsync("k", "two")).VersionId!;
        var restored = await _f.Store.CopyObjectAsync(Alice, new CopyObjectRequest("bkt", "k", "bkt", "k") { SourceVersionId = v1 });
        Assert.Equal(v1, restored.SourceVersionId);
        Assert.NotNull(restored.VersionId);
        Assert.Equal("one", await ReadAsync("k"));
        Assert.Equal([restored.VersionId, v2, v1], (await VersionsAsync()).Select(v => v.VersionId));

        var marker = (await _f.Store.DeleteObjectAsync(Alice, "bkt", "k")).VersionId!;
        await Fails(() => _f.Store.CopyObjectAsync(Alice, new CopyObjectRequest("bkt", "k", "bkt", "copy") { SourceVersionId = marker }), S3ErrorCode.InvalidRequest, 400);
        await Fails(() => _f.Store.CopyObjectAsync(Alice, new CopyObjectRequest("bkt", "k", "bkt", "copy")), S3ErrorCode.NoSuchKey, 404);
        var copy = await _f.Store.CopyObjectAsync(Alice, new CopyObjectRequest("bkt", "k", "bkt", "copy") { SourceVersionId = v2 });
        Assert.Equal(v2, copy.SourceVersionId);
        Assert.Equal("two", await ReadAsync("copy"));
    }

    [Fact]
    public async Task Each_version_keeps_its_own_encryption()
    {
        await EnabledBucketAsync();
        var v1 = (await _f.PutAsync("bkt", "k", [1], new SseRequest { CustomerKey = CustomerKey(1) })).VersionId;
        var v2 = (await _f.PutAsync("bkt", "k", [2], new SseRequest { ServerSideEncryption = "aws:kms" })).VersionId;
        await Fails(() => _f.GetAsync("bkt", "k", customer: CustomerKey(1)), S3ErrorCode.InvalidRequest, 400);
        Assert.Equal([2], await _f.GetAsync("bkt", "k"));
        using (var old = await _f.Store.GetObjectAsync(Alice, new GetObjectRequest("bkt", "k") { VersionId = v1, CustomerKey = CustomerKey(1) }))
        {
            Assert.Null(old.Object.Encryption.ServerSideEncryption);
            Assert.Equal(v1, old.Object.VersionId);
        }
        await Fails(() => _f.Store.GetObjectAsync(Alice, new GetObjectRequest("bkt", "k") { VersionId = v1, CustomerKey = CustomerKey(2) }), S3ErrorCode.AccessDenied, 403);
        await Fails(() => _f.Store.GetObjectAsync(Alice, new GetObjectRequest("bkt", "k") { VersionId = v1 }), S3ErrorCode.InvalidRequest, 400);
        Assert.Equal("aws:kms", (await _f.Store.HeadObjectAsync(Alice, new GetObjectRequest("bkt", "k") { VersionId = v2 })).Object.Encryption.ServerSideEncryption);
    }

    [Fact]
    public async Task Tags_belong_to_a_version()
    {
        await EnabledBucketAsync();
        var v1 = (await PutTextAsync("k", "one")).VersionId!;
        var v2 = (await PutTextAsync("k", "two")).VersionId!;
        Assert.Equal(v1, await _f.Store.PutObjectTaggingAsync(Alice, "bkt", "k", [new S3Tag("old", "1")], versionId: v1));
        Assert.Equal(v2, await _f.Store.PutObjectTaggingAsync(Alice, "bkt", "k", [new S3Tag("new", "2")]));
        Assert.Equal([new S3Tag("old", "1")], (await _f.Store.GetObjectTaggingAsync(Alice, "bkt", "k", v1)).Tags);
        var (tags, id) = await _f.Store.GetObjectTaggingAsync(Alice, "bkt", "k", null);
        Assert.Equal([new S3Tag("new", "2")], tags);
        Assert.Equal(v2, id);
        Assert.Equal(v1, await _f.Store.DeleteObjectTaggingAsync(Alice, "bkt", "k", versionId: v1));
        Assert.Empty((await _f.Store.GetObjectTaggingAsync(Alice, "bkt", "k", v1)).Tags);
        Assert.Equal("one", await ReadAsync("k", v1));
    }

    [Fact]
    public async Task Multipart_completion_and_listings_in_a_versioned_bucket()
    {
        await EnabledBucketAsync();
        var v1 = (await PutTextAsync("dir/a", "one")).VersionId!;
        var upload = await _f.Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest("bkt", "dir/a"));
        var part = await _f.Store.UploadPartAsync(Alice, new UploadPartRequest("bkt", "dir/a", upload.UploadId, 1, Body(Encoding.UTF8.GetBytes("multi"))));
        var done = await _f.Store.CompleteMultipartUploadAsync(Alice, new CompleteMultipartUploadRequest("bkt", "dir/a", upload.UploadId, [new CompletedPart(1, part.ETag)]));
        Assert.NotNull(done.VersionId);
        Assert.NotEqual(v1, done.VersionId);
        Assert.Equal("multi", await ReadAsync("dir/a"));
        Assert.Equal("one", await ReadAsync("dir/a", v1));

        // Keys whose current version is a marker (and prefixes holding only such keys) are not listed.
        await PutTextAsync("gone/x", "x");
        await _f.Store.DeleteObjectAsync(Alice, "bkt", "gone/x");
        await PutTextAsync("z", "z");
        var listed = await _f.Store.ListObjectsAsync(Alice, new ListObjectsRequest("bkt") { Delimiter = "/" });
        Assert.Equal(["z"], listed.Contents.Select(c => c.Key));
        Assert.Equal(["dir/"], listed.CommonPrefixes);

        // Paging through versions with key and version id markers.
        var all = await VersionsAsync();
        Assert.Equal(["dir/a", "dir/a", "gone/x", "gone/x", "z"], all.Select(v => v.Key));
        var pages = new List<ObjectVersionSummary>();
        string? keyMarker = null, versionMarker = null;
        while (true)
        {
            var page = await _f.Store.ListObjectVersionsAsync(Alice, new ListObjectVersionsRequest("bkt") { MaxKeys = 2, KeyMarker = keyMarker, VersionIdMarker = versionMarker });
            pages.AddRange(page.Versions);
            if (!page.IsTruncated)
            {
                break;
            }
            (keyMarker, versionMarker) = (page.NextKeyMarker, page.NextVersionIdMarker);
        }
        Assert.Equal(all.Select(v => (v.Key, v.VersionId)), pages.Select(v => (v.Key, v.VersionId)));
        var grouped = await _f.Store.ListObjectVersionsAsync(Alice, new ListObjectVersionsRequest("bkt") { Delimiter = "/" });
        Assert.Equal(["dir/", "gone/"], grouped.CommonPrefixes);
        Assert.Equal(["z"], grouped.Versions.Select(v => v.Key));
    }

    [Fact]
    public async Task Versions_survive_a_restart_and_stay_encrypted_at_rest()
    {
        await EnabledBucketAsync();
        const string Canary = "CANARY-old-version-plaintext";
        var v1 = (await PutTextAsync("small", Canary + " small")).VersionId!;
        await PutTextAsync("small", "new");
        var big = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(Canary + " big ", 5000)));
        var bigV1 = (await _f.PutAsync("bkt", "big", big)).VersionId!;
        await _f.Store.DeleteObjectAsync(Alice, "bkt", "big");

        using var master = Core.Secrets.SecretBytes.CopyFrom(_f.MasterKeyCopy);
        using var restarted = ObjectStore.Create(_f.Storage, _f.DataDir, _f.Kms, master, _f.Time, new ObjectStoreOptions { SegmentSize = 1024, MinPartSize = 4096 });
        Assert.Equal(0, await restarted.RecoverAsync());
        Assert.Equal(Canary + " small", await ReadAsync("small", v1, restarted));
        Assert.Equal(big.Length, (await ReadAsync("big", bigV1, restarted)).Length);
        Assert.Equal(4, (await VersionsAsync(store: restarted)).Count);

        var canary = Encoding.UTF8.GetBytes(Canary);
        foreach (var (_, value) in Table.Scan(""))
        {
            Assert.Equal(-1, value.AsSpan().IndexOf(canary));
        }
        foreach (var file in Directory.EnumerateFiles(_f.DataDir, "*", SearchOption.AllDirectories))
        {
            Assert.Equal(-1, File.ReadAllBytes(file).AsSpan().IndexOf(canary));
        }
    }

    // Golden vectors (docs/formats/s3-metadata-records.md#versioning). InlineBodyTests' record was written before
    // versioning existed; the versioned forms add VersionId, Sequence and DeleteMarker to it.
    private const string GoldenVersionId = "3sL4kqtJlcpXroDTDmJ-rmSpXd3dIbrH";
    private const string GoldenMarker =
        @"{""Key"":""k"",""Size"":0,""ETag"":"""",""LastModified"":""2026-11-30T00:00:00+00:00"",""Headers"":{},""Encryption"":{""Mode"":""SseS3"",""BucketKey"":false},""InstanceId"":"""",""Multipart"":false,""Parts"":[],""Owner"":""111122223333"",""VersionId"":""AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"",""Sequence"":3,""DeleteMarker"":true}";

    private static string GoldenBucket(string members) => InlineBodyTests.GoldenBucket[..^1] + members + "}";

    private readonly InMemoryStorageProvider _golden = new();

    private IKeyValueStore GoldenTable => _golden.OpenTable(ObjectStore.MetadataTableName);

    private Task<ObjectStore> GoldenStoreAsync(string bucket, params KvMutation[] records) => GoldenStore.OpenAsync(_golden, _f, bucket, records);

    private static async Task<string> GoldenReadAsync(ObjectStore store, string? versionId)
    {
        using var get = await store.GetObjectAsync(Alice, new GetObjectRequest("golden", "k") { VersionId = versionId });
        using var output = new MemoryStream();
        await get.WriteBodyAsync(output);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    [Fact]
    public async Task Golden_record_without_version_reads_as_null_version()
    {
        using var store = await GoldenStoreAsync(GoldenBucket(@",""Versioning"":""Enabled"""),
            new KvMutation("obj/golden/k", Encoding.UTF8.GetBytes(InlineBodyTests.GoldenRecord)));
        Assert.Equal("golden inline body\n", await GoldenReadAsync(store, "null"));
        Assert.Equal("null", (await store.HeadObjectAsync(Alice, new GetObjectRequest("golden", "k"))).Object.VersionId);
        // A new version moves the old record, unchanged, to its noncurrent key; its inline body still decrypts.
        var v2 = (await store.PutObjectAsync(Alice, new PutObjectRequest("golden", "k", Body([1])))).VersionId;
        var list = await store.ListObjectVersionsAsync(Alice, new ListObjectVersionsRequest("golden"));
        Assert.Equal([v2, "null"], list.Versions.Select(v => v.VersionId));
        Assert.Equal("golden inline body\n", await GoldenReadAsync(store, "null"));
    }

    [Fact]
    public async Task Golden_versioned_records_read()
    {
        var versioned = InlineBodyTests.GoldenRecord[..^1] + $@",""VersionId"":""{GoldenVersionId}"",""Sequence"":2}}";
        using var store = await GoldenStoreAsync(GoldenBucket(@",""Versioning"":""Enabled"""),
            new KvMutation("obj/golden/k", Encoding.UTF8.GetBytes(GoldenMarker)),
            new KvMutation("ver/golden/k\0" + GoldenVersionId, Encoding.UTF8.GetBytes(versioned)),
            new KvMutation("ver/golden/k\0null", Encoding.UTF8.GetBytes(InlineBodyTests.GoldenRecord)));
        var list = await store.ListObjectVersionsAsync(Alice, new ListObjectVersionsRequest("golden"));
        Assert.Equal([("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", true, true), (GoldenVersionId, false, false), ("null", false, false)],
            list.Versions.Select(v => (v.VersionId, v.IsLatest, v.DeleteMarker)));
        Assert.Equal("golden inline body\n", await GoldenReadAsync(store, GoldenVersionId));
        await Fails(() => GoldenReadAsync(store, null), S3ErrorCode.NoSuchKey, 404);

        // The writer produces the same marker form (only the random id differs).
        _f.Time.SetUtcNow(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero));
        var marker = await store.DeleteObjectAsync(Alice, "golden", "k");
        GoldenTable.TryGet("obj/golden/k", out var written);
        Assert.Equal(GoldenMarker.Replace("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", marker.VersionId, StringComparison.Ordinal).Replace(@"""Sequence"":3", @"""Sequence"":4", StringComparison.Ordinal),
            Encoding.UTF8.GetString(written));
    }

    [Fact]
    public async Task Golden_bucket_record_with_versioning_suspended_reads()
    {
        using var store = await GoldenStoreAsync(GoldenBucket(@",""VersioningSuspended"":true"));
        Assert.Equal("Suspended", await store.GetBucketVersioningAsync(Alice, "golden"));
        Assert.Equal("null", (await store.PutObjectAsync(Alice, new PutObjectRequest("golden", "k", Body([1])))).VersionId);
        await store.PutBucketVersioningAsync(Alice, "golden", "Enabled");
        Assert.Equal("Enabled", await store.GetBucketVersioningAsync(Alice, "golden"));
        GoldenTable.TryGet("bucket/golden", out var written);
        Assert.Equal(GoldenBucket(@",""Versioning"":""Enabled"""), Encoding.UTF8.GetString(written));
    }
}
