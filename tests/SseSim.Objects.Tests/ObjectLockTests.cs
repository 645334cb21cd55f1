using System.Text;
using SseSim.Core.Storage;
using static SseSim.Objects.Tests.StoreFixture;

namespace SseSim.Objects.Tests;

/// <summary>S3 Object Lock: configuration, retention, legal hold and their enforcement (docs/formats/s3-metadata-records.md#object-lock).</summary>
public sealed class ObjectLockTests : IDisposable
{
    private static readonly DateTimeOffset Later = new(2026, 1, 10, 0, 0, 0, TimeSpan.Zero);

    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    private ObjectStore Store => _f.Store;

    private static async Task Fails(Func<Task> action, string code, int status)
    {
        var e = await Assert.ThrowsAsync<S3Exception>(action);
        Assert.Equal((code, status), (e.Code, e.StatusCode));
    }

    private Task<PutObjectResult> PutAsync(string key, ObjectLockHeaders? locks = null, string bucket = "lkb") =>
        Store.PutObjectAsync(Alice, new PutObjectRequest(bucket, key, Body([1, 2, 3])) { ObjectLock = locks, Checksum = new ChecksumInput("CRC32") });

    private Task<HeadObjectResult> HeadAsync(string key, string? versionId = null) =>
        Store.HeadObjectAsync(Alice, new GetObjectRequest("lkb", key) { VersionId = versionId });

    [Fact]
    public async Task Configuration_needs_versioning_enabled_and_then_pins_it()
    {
        await Store.CreateBucketAsync(Alice, "plain");
        await Fails(() => Store.GetObjectLockConfigurationAsync(Alice, "plain"), "ObjectLockConfigurationNotFoundError", 404);
        await Fails(() => Store.PutObjectLockConfigurationAsync(Alice, "plain", null), "InvalidBucketState", 409);
        await Store.PutBucketVersioningAsync(Alice, "plain", "Enabled");
        await Store.PutObjectLockConfigurationAsync(Alice, "plain", new ObjectLockRule(ObjectStore.Compliance, Years: 1));
        Assert.Equal(new ObjectLockRule(ObjectStore.Compliance, Years: 1), await Store.GetObjectLockConfigurationAsync(Alice, "plain"));
        await Fails(() => Store.PutBucketVersioningAsync(Alice, "plain", "Suspended"), "InvalidBucketState", 409);

        await Store.CreateBucketAsync(Alice, "lkb", objectLockEnabled: true);
        Assert.Equal("Enabled", await Store.GetBucketVersioningAsync(Alice, "lkb"));
        Assert.Null(await Store.GetObjectLockConfigurationAsync(Alice, "lkb"));
        await Fails(() => Store.PutObjectLockConfigurationAsync(Alice, "lkb", new ObjectLockRule("governance", Days: 1)), S3ErrorCode.MalformedXML, 400);
        await Fails(() => Store.PutObjectLockConfigurationAsync(Alice, "lkb", new ObjectLockRule(ObjectStore.Governance, 1, 1)), S3ErrorCode.MalformedXML, 400);
        await Fails(() => Store.PutObjectLockConfigurationAsync(Alice, "lkb", new ObjectLockRule(ObjectStore.Governance, Days: 0)), "InvalidRetentionPeriod", 400);
        await Fails(() => Store.PutObjectLockConfigurationAsync(Alice, "lkb", new ObjectLockRule(ObjectStore.Governance, Years: -1)), "InvalidRetentionPeriod", 400);
    }

    [Fact]
    public async Task Default_retention_locks_new_versions_until_it_expires()
    {
        await Store.CreateBucketAsync(Alice, "lkb", objectLockEnabled: true);
        await Store.PutObjectLockConfigurationAsync(Alice, "lkb", new ObjectLockRule(ObjectStore.Governance, Days: 2));
        // An upload with neither Content-MD5 nor a checksum may not get a retention.
        await Fails(() => Store.PutObjectAsync(Alice, new PutObjectRequest("lkb", "k", Body([1]))), S3ErrorCode.InvalidRequest, 400);
        var v1 = (await PutAsync("k")).VersionId!;
        var head = await HeadAsync("k");
        Assert.Equal(new ObjectRetention(ObjectStore.Governance, _f.Time.GetUtcNow().AddDays(2)), head.Object.Retention);
        Assert.Null(head.Object.LegalHold);

        await Fails(() => Store.DeleteObjectAsync(Alice, "lkb", "k", versionId: v1), S3ErrorCode.AccessDenied, 403);
        // Without a version id a delete marker goes on top, which Object Lock allows.
        var marker = await Store.DeleteObjectAsync(Alice, "lkb", "k");
        Assert.True(marker.DeleteMarker);
        await Store.DeleteObjectAsync(Alice, "lkb", "k", versionId: marker.VersionId);
        var multi = await Store.DeleteObjectsAsync(Alice, "lkb", [new ObjectIdentifier("k", v1)]);
        Assert.Equal(S3ErrorCode.AccessDenied, multi[0].ErrorCode);

        _f.Time.Advance(TimeSpan.FromDays(2) + TimeSpan.FromSeconds(1));
        await Store.DeleteObjectAsync(Alice, "lkb", "k", versionId: v1);
        await Fails(() => HeadAsync("k"), S3ErrorCode.NoSuchKey, 404);
    }

    [Fact]
    public async Task Governance_yields_to_bypass_and_compliance_to_nothing()
    {
        await Store.CreateBucketAsync(Alice, "lkb", objectLockEnabled: true);
        var g = (await PutAsync("g", new ObjectLockHeaders(new ObjectRetention(ObjectStore.Governance, Later), null))).VersionId!;
        var c = (await PutAsync("c", new ObjectLockHeaders(new ObjectRetention(ObjectStore.Compliance, Later), null))).VersionId!;

        // Extending in the same mode is allowed; shortening, switching mode or removing needs the bypass (GOVERNANCE) or is never allowed (COMPLIANCE).
        await Store.PutObjectRetentionAsync(Alice, "lkb", "g", null, new ObjectRetention(ObjectStore.Governance, Later.AddDays(1)));
        await Fails(() => Store.PutObjectRetentionAsync(Alice, "lkb", "g", null, new ObjectRetention(ObjectStore.Governance, Later)), S3ErrorCode.AccessDenied, 403);
        await Fails(() => Store.PutObjectRetentionAsync(Alice, "lkb", "g", null, new ObjectRetention(ObjectStore.Compliance, Later.AddDays(2))), S3ErrorCode.AccessDenied, 403);
        await Store.PutObjectRetentionAsync(Alice, "lkb", "g", g, new ObjectRetention(ObjectStore.Governance, Later), bypassGovernance: true);
        Assert.Equal(new ObjectRetention(ObjectStore.Governance, Later), await Store.GetObjectRetentionAsync(Alice, "lkb", "g"));
        await Fails(() => Store.DeleteObjectAsync(Alice, "lkb", "g", versionId: g), S3ErrorCode.AccessDenied, 403);
        await Store.DeleteObjectAsync(Alice, "lkb", "g", versionId: g, bypassGovernance: true);

        await Store.PutObjectRetentionAsync(Alice, "lkb", "c", null, new ObjectRetention(ObjectStore.Compliance, Later.AddDays(1)));
        await Fails(() => Store.PutObjectRetentionAsync(Alice, "lkb", "c", null, new ObjectRetention(ObjectStore.Compliance, Later), true), S3ErrorCode.AccessDenied, 403);
        await Fails(() => Store.PutObjectRetentionAsync(Alice, "lkb", "c", null, null, true), S3ErrorCode.AccessDenied, 403);
        await Fails(() => Store.DeleteObjectAsync(Alice, "lkb", "c", versionId: c, bypassGovernance: true), S3ErrorCode.AccessDenied, 403);
        var multi = await Store.DeleteObjectsAsync(Alice, "lkb", [new ObjectIdentifier("c", c)], bypassGovernance: true);
        Assert.Equal(S3ErrorCode.AccessDenied, multi[0].ErrorCode);

        // A past date is refused; an expired retention protects nothing but is still reported.
        await Fails(() => Store.PutObjectRetentionAsync(Alice, "lkb", "c", null, new ObjectRetention(ObjectStore.Compliance, _f.Time.GetUtcNow())), S3ErrorCode.InvalidArgument, 400);
        _f.Time.SetUtcNow(Later.AddDays(1));
        Assert.Equal(ObjectStore.Compliance, (await Store.GetObjectRetentionAsync(Alice, "lkb", "c")).Mode);
        await Store.DeleteObjectAsync(Alice, "lkb", "c", versionId: c);
    }

    [Fact]
    public async Task Legal_hold_blocks_deletes_whatever_the_retention()
    {
        await Store.CreateBucketAsync(Alice, "lkb", objectLockEnabled: true);
        var v = (await PutAsync("k", new ObjectLockHeaders(null, true))).VersionId!;
        Assert.True((await HeadAsync("k")).Object.LegalHold);
        Assert.Null((await HeadAsync("k")).Object.Retention);
        await Fails(() => Store.GetObjectRetentionAsync(Alice, "lkb", "k"), "NoSuchObjectLockConfiguration", 404);
        await Fails(() => Store.DeleteObjectAsync(Alice, "lkb", "k", versionId: v, bypassGovernance: true), S3ErrorCode.AccessDenied, 403);
        await Store.PutObjectLegalHoldAsync(Alice, "lkb", "k", v, false);
        Assert.False(await Store.GetObjectLegalHoldAsync(Alice, "lkb", "k"));
        await Store.DeleteObjectAsync(Alice, "lkb", "k", versionId: v);

        await PutAsync("other");
        await Fails(() => Store.GetObjectLegalHoldAsync(Alice, "lkb", "other"), "NoSuchObjectLockConfiguration", 404);
    }

    [Fact]
    public async Task Buckets_without_object_lock_refuse_its_requests()
    {
        await Store.CreateBucketAsync(Alice, "plain");
        await Store.PutBucketVersioningAsync(Alice, "plain", "Enabled");
        await Fails(() => PutAsync("k", new ObjectLockHeaders(null, true), "plain"), S3ErrorCode.InvalidRequest, 400);
        await PutAsync("k", bucket: "plain");
        await Fails(() => Store.PutObjectRetentionAsync(Alice, "plain", "k", null, new ObjectRetention(ObjectStore.Governance, Later)), S3ErrorCode.InvalidRequest, 400);
        await Fails(() => Store.GetObjectRetentionAsync(Alice, "plain", "k"), S3ErrorCode.InvalidRequest, 400);
        await Fails(() => Store.PutObjectLegalHoldAsync(Alice, "plain", "k", null, true), S3ErrorCode.InvalidRequest, 400);
        await Fails(() => Store.GetObjectLegalHoldAsync(Alice, "plain", "k"), S3ErrorCode.InvalidRequest, 400);
        await Fails(() => Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest("plain", "m") { ObjectLock = new ObjectLockHeaders(null, false) }),
            S3ErrorCode.InvalidRequest, 400);
    }

    [Fact]
    public async Task Copies_and_multipart_uploads_take_the_request_settings_not_the_source()
    {
        await Store.CreateBucketAsync(Alice, "lkb", objectLockEnabled: true);
        await PutAsync("src", new ObjectLockHeaders(new ObjectRetention(ObjectStore.Compliance, Later), true));
        await Store.CopyObjectAsync(Alice, new CopyObjectRequest("lkb", "src", "lkb", "copy"));
        var copy = (await HeadAsync("copy")).Object;
        Assert.Equal((null, null), (copy.Retention, copy.LegalHold));
        await Store.CopyObjectAsync(Alice, new CopyObjectRequest("lkb", "src", "lkb", "copy2") { ObjectLock = new ObjectLockHeaders(new ObjectRetention(ObjectStore.Governance, Later), null) });
        Assert.Equal(ObjectStore.Governance, (await HeadAsync("copy2")).Object.Retention?.Mode);

        var upload = await Store.CreateMultipartUploadAsync(Alice, new CreateMultipartUploadRequest("lkb", "mp")
        {
            ObjectLock = new ObjectLockHeaders(new ObjectRetention(ObjectStore.Governance, Later), false),
        });
        var part = await Store.UploadPartAsync(Alice, new UploadPartRequest("lkb", "mp", upload.UploadId, 1, Body([7])));
        await Store.CompleteMultipartUploadAsync(Alice, new CompleteMultipartUploadRequest("lkb", "mp", upload.UploadId, [new CompletedPart(1, part.ETag)]));
        var mp = (await HeadAsync("mp")).Object;
        Assert.Equal((new ObjectRetention(ObjectStore.Governance, Later), (bool?)false), (mp.Retention, mp.LegalHold));
    }

    // Golden vectors (docs/formats/s3-metadata-records.md#object-lock).
    private const string GoldenLockedBucket = @"{""Name"":""golden"",""Created"":""2026-11-29T00:00:00+00:00"",""Region"":""us-east-1"",""Owner"":""111122223333"",""Versioning"":""Enabled"",""ObjectLockEnabled"":true,""ObjectLockRule"":{""Mode"":""GOVERNANCE"",""Days"":1}}";
    private const string GoldenVersionId = "3sL4kqtJlcpXroDTDmJ-rmSpXd3dIbrH";

    private readonly InMemoryStorageProvider _golden = new();

    private Task<ObjectStore> GoldenStoreAsync(string bucket, string? record = null) =>
        GoldenStore.OpenAsync(_golden, _f, bucket, record is null ? [] : [GoldenStore.Object(record)]);

    [Fact]
    public async Task Golden_records_without_object_lock_read_unlocked()
    {
        var versioned = InlineBodyTests.GoldenRecord[..^1] + $@",""VersionId"":""{GoldenVersionId}"",""Sequence"":1}}";
        using var store = await GoldenStoreAsync(InlineBodyTests.GoldenBucket[..^1] + @",""Versioning"":""Enabled""}", versioned);
        await Fails(() => store.GetObjectLockConfigurationAsync(Alice, "golden"), "ObjectLockConfigurationNotFoundError", 404);
        var head = await store.HeadObjectAsync(Alice, new GetObjectRequest("golden", "k"));
        Assert.Equal((null, null), (head.Object.Retention, head.Object.LegalHold));
        await store.DeleteObjectAsync(Alice, "golden", "k", versionId: GoldenVersionId);
    }

    [Fact]
    public async Task Golden_object_lock_records_read()
    {
        var locked = InlineBodyTests.GoldenRecord[..^1]
            + $@",""VersionId"":""{GoldenVersionId}"",""Sequence"":1,""LockMode"":""COMPLIANCE"",""LockRetainUntil"":""2030-01-01T00:00:00.5+00:00"",""LegalHold"":false}}";
        using var store = await GoldenStoreAsync(GoldenLockedBucket, locked);
        Assert.Equal(new ObjectLockRule(ObjectStore.Governance, Days: 1), await store.GetObjectLockConfigurationAsync(Alice, "golden"));
        var head = await store.HeadObjectAsync(Alice, new GetObjectRequest("golden", "k"));
        Assert.Equal((new ObjectRetention(ObjectStore.Compliance, new DateTimeOffset(2030, 1, 1, 0, 0, 0, 500, TimeSpan.Zero)), (bool?)false), (head.Object.Retention, head.Object.LegalHold));
        await Fails(() => store.DeleteObjectAsync(Alice, "golden", "k", versionId: GoldenVersionId, bypassGovernance: true), S3ErrorCode.AccessDenied, 403);

        // The writer produces the same members: a new version under the default rule, then a legal hold.
        _f.Time.SetUtcNow(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero));
        await store.PutObjectAsync(Alice, new PutObjectRequest("golden", "k", Body([1])) { ContentMd5 = "VaVACK0bpYmqIQ0mKcHfQQ==" });
        await store.PutObjectLegalHoldAsync(Alice, "golden", "k", null, true);
        _golden.OpenTable(ObjectStore.MetadataTableName).TryGet("obj/golden/k", out var written);
        Assert.EndsWith(@",""LockMode"":""GOVERNANCE"",""LockRetainUntil"":""2026-12-01T00:00:00+00:00"",""LegalHold"":true}", Encoding.UTF8.GetString(written), StringComparison.Ordinal);
        await store.PutObjectLockConfigurationAsync(Alice, "golden", new ObjectLockRule(ObjectStore.Governance, Days: 1));
        _golden.OpenTable(ObjectStore.MetadataTableName).TryGet("bucket/golden", out var bucketBytes);
        Assert.Equal(GoldenLockedBucket, Encoding.UTF8.GetString(bucketBytes));
    }
}
