using SseSim.Core.Aws;
using SseSim.Core.Storage;

namespace SseSim.Objects;

/// <summary>Object and bucket tag sets (docs/formats/s3-metadata-records.md#tags). Tags change neither ETag nor LastModified.</summary>
public sealed partial class ObjectStore
{
    /// <summary>The object's tags sorted by key; empty when it has none.</summary>
    public Task<IReadOnlyList<S3Tag>> GetObjectTaggingAsync(Caller caller, string bucket, string key, CancellationToken cancellationToken = default)
    {
        LoadBucket(bucket, caller);
        var record = FindRecord(bucket, key) ?? throw S3Exception.NoSuchKey(key);
        return Task.FromResult<IReadOnlyList<S3Tag>>(record.Tags ?? []);
    }

    /// <summary>
    /// The object's tags for bucket-policy conditions (s3:ExistingObjectTag), or none when the bucket is missing, another
    /// account's, or has no such object (the operation itself reports those). Never throws.
    /// </summary>
    public IReadOnlyList<S3Tag> FindObjectTags(Caller caller, string bucket, string key) =>
        TryLoadBucket(bucket, out var record) && record.Owner == caller.AccountId ? FindRecord(bucket, key)?.Tags ?? [] : [];

    /// <summary>Replaces the whole tag set; an empty set removes it.</summary>
    public Task PutObjectTaggingAsync(Caller caller, string bucket, string key, IReadOnlyList<S3Tag> tags, CancellationToken cancellationToken = default)
    {
        var stored = TagRules.ForObject(tags);
        return UpdateObjectAsync(caller, bucket, key, r => r.Tags = stored, cancellationToken);
    }

    public Task DeleteObjectTaggingAsync(Caller caller, string bucket, string key, CancellationToken cancellationToken = default) =>
        UpdateObjectAsync(caller, bucket, key, r => r.Tags = null, cancellationToken);

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
    private Task UpdateObjectAsync(Caller caller, string bucket, string key, Action<ObjectRecord> change, CancellationToken cancellationToken) =>
        WithMetadataLockAsync(async () =>
        {
            LoadBucket(bucket, caller);
            var record = FindRecord(bucket, key) ?? throw S3Exception.NoSuchKey(key);
            change(record);
            await _meta.PutAsync(Records.ObjectKey(bucket, key), Records.Serialize(record), cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
}
