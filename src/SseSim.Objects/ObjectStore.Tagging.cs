using SseSim.Core.Aws;
using SseSim.Core.Storage;

namespace SseSim.Objects;

/// <summary>Object and bucket tag sets (docs/formats/s3-metadata-records.md#tags). Tags change neither ETag nor LastModified.</summary>
public sealed partial class ObjectStore
{
    /// <summary>The object's tags sorted by key; empty when it has none.</summary>
    public async Task<IReadOnlyList<S3Tag>> GetObjectTaggingAsync(Caller caller, string bucket, string key, CancellationToken cancellationToken = default) =>
        (await GetObjectTaggingAsync(caller, bucket, key, null, cancellationToken).ConfigureAwait(false)).Tags;

    /// <summary>The tags of a version (the current one when <paramref name="versionId"/> is null) and the version id to report.</summary>
    public Task<(IReadOnlyList<S3Tag> Tags, string? VersionId)> GetObjectTaggingAsync(Caller caller, string bucket, string key, string? versionId, CancellationToken cancellationToken = default)
    {
        var (record, reported, _) = FindTaggable(caller, bucket, key, versionId, "GET", currentMarkerIsResource: true);
        return Task.FromResult<(IReadOnlyList<S3Tag>, string?)>((record.Tags ?? [], reported));
    }

    /// <summary>
    /// The version a tagging request acts on, its x-amz-version-id (the version's id in a versioned bucket, else only
    /// the one the request named) and whether it is current. A delete marker has no tags: it fails as a GET of it does,
    /// and for the tagging operations (<paramref name="currentMarkerIsResource"/>) also when it is the current version:
    /// AWS answers 405 MethodNotAllowed there too, not NoSuchKey.
    /// </summary>
    private (ObjectRecord Record, string? Reported, bool IsCurrent) FindTaggable(Caller caller, string bucket, string key, string? versionId, string method,
        bool currentMarkerIsResource = false)
    {
        var versioned = LoadBucket(bucket, caller).VersioningState is not null;
        if (currentMarkerIsResource && versionId is null && ReadVersion(bucket, key, null, out _) is { IsDeleteMarker: true } marker)
        {
            throw DeleteMarkerError(marker, key, byVersionId: true, method);
        }
        var record = RequireVersion(bucket, key, versionId, method, out var isCurrent);
        return (record, versioned ? record.ReportedVersionId : versionId, isCurrent);
    }

    /// <summary>
    /// The object's tags for bucket-policy conditions (s3:ExistingObjectTag), or none when the bucket is missing, another
    /// account's, or has no such object or version (the operation itself reports those). Never throws.
    /// </summary>
    public IReadOnlyList<S3Tag> FindObjectTags(Caller caller, string bucket, string key, string? versionId = null) =>
        TryLoadBucket(bucket, out var record) && record.Owner == caller.AccountId && (versionId is null || IsVersionIdShaped(versionId))
            ? ReadVersion(bucket, key, versionId, out _)?.Tags ?? []
            : [];

    /// <summary>Replaces the whole tag set; an empty set removes it.</summary>
    /// <returns>The x-amz-version-id to report (see <see cref="FindTaggable"/>).</returns>
    public Task<string?> PutObjectTaggingAsync(Caller caller, string bucket, string key, IReadOnlyList<S3Tag> tags, CancellationToken cancellationToken = default,
        string? versionId = null)
    {
        var stored = TagRules.ForObject(tags);
        return UpdateObjectAsync(caller, bucket, key, versionId, "PUT", r => r.Tags = stored, cancellationToken, currentMarkerIsResource: true);
    }

    /// <returns>The x-amz-version-id to report (see <see cref="FindTaggable"/>).</returns>
    public Task<string?> DeleteObjectTaggingAsync(Caller caller, string bucket, string key, CancellationToken cancellationToken = default, string? versionId = null) =>
        UpdateObjectAsync(caller, bucket, key, versionId, "DELETE", r => r.Tags = null, cancellationToken, currentMarkerIsResource: true);

    /// <summary>Replaces the bucket's tag set; an empty set leaves the bucket without one, as DeleteBucketTagging does.</summary>
    public Task PutBucketTaggingAsync(Caller caller, string bucket, IReadOnlyList<S3Tag> tags, CancellationToken cancellationToken = default)
    {
        var stored = TagRules.ForBucket(tags);
        return UpdateBucketAsync(caller, bucket, b => b.Tags = stored, cancellationToken);
    }

    /// <summary>The bucket's tags sorted by key; NoSuchTagSet (404) when it has none.</summary>
    public Task<IReadOnlyList<S3Tag>> GetBucketTaggingAsync(Caller caller, string bucket, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<S3Tag>>(LoadBucket(bucket, caller).Tags
            ?? throw new S3Exception(S3ErrorCode.NoSuchTagSet, "The TagSet does not exist").With("BucketName", bucket));

    public Task DeleteBucketTaggingAsync(Caller caller, string bucket, CancellationToken cancellationToken = default) =>
        UpdateBucketAsync(caller, bucket, b => b.Tags = null, cancellationToken);

    /// <summary>
    /// Rewrites only the object's record: its bodies (inline ones included, which live under their own table keys)
    /// stay as they are, so a tag change costs one small durable write.
    /// </summary>
    private Task<string?> UpdateObjectAsync(Caller caller, string bucket, string key, string? versionId, string method, Action<ObjectRecord> change, CancellationToken cancellationToken,
        bool currentMarkerIsResource = false) =>
        WithMetadataLockAsync(async () =>
        {
            var (record, reported, isCurrent) = FindTaggable(caller, bucket, key, versionId, method, currentMarkerIsResource);
            change(record);
            // A noncurrent version is rewritten under its own "ver/" key (docs/formats/s3-metadata-records.md#versioning).
            var tableKey = isCurrent ? Records.ObjectKey(bucket, key) : Records.VersionKey(bucket, key, record.VersionId);
            await _meta.PutAsync(tableKey, Records.Serialize(record), cancellationToken).ConfigureAwait(false);
            return reported;
        }, cancellationToken);
}
