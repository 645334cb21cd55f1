using System.Text;
using SseSim.Core.Storage;
using static SseSim.Objects.Tests.StoreFixture;

namespace SseSim.Objects.Tests;

/// <summary>GLACIER and DEEP_ARCHIVE objects and RestoreObject (docs/formats/s3-metadata-records.md#restore).</summary>
public sealed class RestoreObjectTests : IDisposable
{
    private static readonly TimeSpan Takes = TimeSpan.FromHours(4);

    private readonly StoreFixture _f = new(new ObjectStoreOptions { SegmentSize = 1024, MinPartSize = 4096, RestoreDuration = Takes });

    public void Dispose() => _f.Dispose();

    private ObjectStore Store => _f.Store;

    private static readonly byte[] Data = Encoding.UTF8.GetBytes("archived for years");

    private async Task PutAsync(string key, string? storageClass)
    {
        await Store.PutObjectAsync(Alice, new PutObjectRequest("arc", key, Body(Data)) { Headers = new ObjectHeaders { StorageClass = storageClass } });
    }

    private async Task<RestoreStatus?> RestoreOfAsync(string key) => (await Store.HeadObjectAsync(Alice, new GetObjectRequest("arc", key))).Object.Restore;

    private static async Task<S3Exception> Fails(Func<Task> action, string code, int status)
    {
        var e = await Assert.ThrowsAsync<S3Exception>(action);
        Assert.Equal((code, status), (e.Code, e.StatusCode));
        return e;
    }

    private Task<S3Exception> GetFails(string key) =>
        Fails(() => _f.GetAsync("arc", key), S3ErrorCode.InvalidObjectState, 403);

    [Fact]
    public async Task An_archived_object_is_read_only_while_its_restored_copy_lasts()
    {
        await Store.CreateBucketAsync(Alice, "arc");
        await PutAsync("g", StorageClasses.Glacier);

        // Stored and listed, but its body cannot be read or copied.
        var refused = await GetFails("g");
        Assert.Equal("The operation is not valid for the object's storage class", refused.Message);
        Assert.Equal("GLACIER", refused.Details["StorageClass"]);
        await Fails(() => Store.CopyObjectAsync(Alice, new CopyObjectRequest("arc", "g", "arc", "copy")), S3ErrorCode.InvalidObjectState, 403);
        Assert.Null(await RestoreOfAsync("g"));
        Assert.Equal("GLACIER", Assert.Single((await Store.ListObjectsAsync(Alice, new ListObjectsRequest("arc"))).Contents).StorageClass);

        // A new restore: in progress for RestoreDuration; a second request conflicts.
        var requested = _f.Time.GetUtcNow();
        Assert.False(await Store.RestoreObjectAsync(Alice, "arc", "g", null, days: 2, RestoreTier.Standard));
        var expiry = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero); // 03:04 + 4 h + 2 days, up to midnight UTC
        Assert.Equal(new RestoreStatus(true, expiry), await RestoreOfAsync("g"));
        await Fails(() => Store.RestoreObjectAsync(Alice, "arc", "g", null, 5, RestoreTier.Expedited), S3ErrorCode.RestoreAlreadyInProgress, 409);
        await GetFails("g");
        Assert.True(Assert.Single((await Store.ListObjectsAsync(Alice, new ListObjectsRequest("arc"))).Contents).Restore?.InProgress);

        // Done: readable and copyable until the expiry.
        _f.Time.SetUtcNow(requested + Takes);
        Assert.Equal(new RestoreStatus(false, expiry), await RestoreOfAsync("g"));
        Assert.Equal(Data, await _f.GetAsync("arc", "g"));
        await Store.CopyObjectAsync(Alice, new CopyObjectRequest("arc", "g", "arc", "copy"));
        Assert.Equal(Data, await _f.GetAsync("arc", "copy"));
        Assert.Null(await RestoreOfAsync("copy"));

        // Restoring a restored object extends its copy from now (S3 answers 200 rather than 202).
        _f.Time.Advance(TimeSpan.FromDays(1));
        Assert.True(await Store.RestoreObjectAsync(Alice, "arc", "g", null, days: 3, RestoreTier.Bulk));
        var extended = new DateTimeOffset(2026, 1, 7, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(new RestoreStatus(false, extended), await RestoreOfAsync("g"));

        // Expired: archived again, and a restore starts over.
        _f.Time.SetUtcNow(extended);
        await GetFails("g");
        Assert.Null(await RestoreOfAsync("g"));
        Assert.False(await Store.RestoreObjectAsync(Alice, "arc", "g", null, days: 1, RestoreTier.Standard));
        Assert.True((await RestoreOfAsync("g"))?.InProgress);
    }

    [Fact]
    public async Task Only_archived_objects_restore_and_Deep_Archive_has_no_Expedited_tier()
    {
        await Store.CreateBucketAsync(Alice, "arc");
        await PutAsync("std", null);
        await PutAsync("ir", "GLACIER_IR");
        foreach (var key in new[] { "std", "ir" })
        {
            var e = await Fails(() => Store.RestoreObjectAsync(Alice, "arc", key, null, 1, RestoreTier.Standard), S3ErrorCode.InvalidObjectState, 403);
            Assert.Equal("Restore is not allowed for the object's current storage class", e.Message);
            Assert.Equal(Data, await _f.GetAsync("arc", key));
        }
        await Fails(() => Store.RestoreObjectAsync(Alice, "arc", "missing", null, 1, RestoreTier.Standard), S3ErrorCode.NoSuchKey, 404);

        await PutAsync("deep", StorageClasses.DeepArchive);
        await Fails(() => Store.RestoreObjectAsync(Alice, "arc", "deep", null, 1, RestoreTier.Expedited), S3ErrorCode.InvalidArgument, 400);
        Assert.Null(await RestoreOfAsync("deep"));
        Assert.False(await Store.RestoreObjectAsync(Alice, "arc", "deep", null, 1, RestoreTier.Bulk));
    }

    [Fact]
    public async Task A_restore_names_its_version()
    {
        await Store.CreateBucketAsync(Alice, "arc");
        await Store.PutBucketVersioningAsync(Alice, "arc", "Enabled");
        await PutAsync("v", StorageClasses.Glacier);
        var old = (await Store.HeadObjectAsync(Alice, new GetObjectRequest("arc", "v"))).Object.VersionId;
        await PutAsync("v", StorageClasses.Glacier);

        Assert.False(await Store.RestoreObjectAsync(Alice, "arc", "v", old, 1, RestoreTier.Standard));
        Assert.True((await Store.HeadObjectAsync(Alice, new GetObjectRequest("arc", "v") { VersionId = old })).Object.Restore?.InProgress);
        Assert.Null(await RestoreOfAsync("v"));
    }

    [Theory]
    [InlineData("2012-01-15T10:30:00Z", 3, "2012-01-19T00:00:00Z")]
    [InlineData("2026-01-02T00:00:00Z", 1, "2026-01-04T00:00:00Z")]
    [InlineData("2026-12-31T23:59:59Z", 1, "2027-01-02T00:00:00Z")]
    public void The_restored_copy_expires_at_the_next_midnight_UTC_after_the_days(string from, int days, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            ObjectStore.ExpiryAfter(DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture), days));
    }

    // Golden vector (docs/formats/s3-metadata-records.md#restore): the fixture's clock is 2026-01-02T03:04:05Z.
    private const string Restored = @"""Headers"":{""StorageClass"":""GLACIER""},";
    private const string RestoreMembers = @",""RestoreReadyAt"":""2026-01-02T00:00:00+00:00"",""RestoreExpiry"":""2026-01-05T00:00:00+00:00""}";

    [Fact]
    public async Task Golden_record_of_a_restored_object_reads()
    {
        var golden = new InMemoryStorageProvider();
        var record = InlineBodyTests.GoldenRecord.Replace(@"""Headers"":{},", Restored, StringComparison.Ordinal)[..^1] + RestoreMembers;
        using var store = await GoldenStore.OpenAsync(golden, _f, InlineBodyTests.GoldenBucket, GoldenStore.Object(record));
        var head = await store.HeadObjectAsync(Alice, new GetObjectRequest("golden", "k"));
        Assert.Equal(new RestoreStatus(false, new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero)), head.Object.Restore);
        using (var get = await store.GetObjectAsync(Alice, new GetObjectRequest("golden", "k")))
        {
            using var output = new MemoryStream();
            await get.WriteBodyAsync(output);
            Assert.Equal("golden inline body\n", Encoding.UTF8.GetString(output.ToArray()));
        }

        // The writer produces the same members (a store without a restore duration: ready at once).
        await store.PutObjectAsync(Alice, new PutObjectRequest("golden", "k", Body([1])) { Headers = new ObjectHeaders { StorageClass = StorageClasses.Glacier } });
        _f.Time.SetUtcNow(new DateTimeOffset(2026, 1, 3, 0, 0, 0, TimeSpan.Zero));
        Assert.False(await store.RestoreObjectAsync(Alice, "golden", "k", null, 2, RestoreTier.Standard));
        golden.OpenTable(ObjectStore.MetadataTableName).TryGet("obj/golden/k", out var written);
        Assert.EndsWith(RestoreMembers.Replace("01-02", "01-03", StringComparison.Ordinal).Replace("01-05", "01-06", StringComparison.Ordinal),
            Encoding.UTF8.GetString(written), StringComparison.Ordinal);
    }
}
