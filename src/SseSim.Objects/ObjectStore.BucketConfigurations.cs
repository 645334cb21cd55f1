using SseSim.Core.Aws;

namespace SseSim.Objects;

/// <summary>
/// Bucket configurations that are stored and returned but not enforced by the object path: public access block (its
/// BlockPublicPolicy is checked by the HTTP layer on PutBucketPolicy), CORS and lifecycle rules (kept as the validated
/// XML document; docs/formats/s3-metadata-records.md#bucket-configurations).
/// </summary>
public sealed partial class ObjectStore
{
    public Task PutPublicAccessBlockAsync(Caller caller, string bucket, PublicAccessBlock configuration, CancellationToken cancellationToken = default) =>
        UpdateBucketAsync(caller, bucket, b => b.PublicAccessBlock = configuration, cancellationToken);

    /// <summary>The bucket's setting; new buckets have all four on, as on AWS since April 2023.</summary>
    public Task<PublicAccessBlock> GetPublicAccessBlockAsync(Caller caller, string bucket, CancellationToken cancellationToken = default) =>
        Task.FromResult(LoadBucket(bucket, caller).PublicAccessBlock
            ?? throw new S3Exception("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found", 404).With("BucketName", bucket));

    public Task DeletePublicAccessBlockAsync(Caller caller, string bucket, CancellationToken cancellationToken = default) =>
        UpdateBucketAsync(caller, bucket, b => b.PublicAccessBlock = null, cancellationToken);

    /// <summary>Stores a CORSConfiguration document the HTTP layer has validated.</summary>
    public Task PutBucketCorsAsync(Caller caller, string bucket, string document, CancellationToken cancellationToken = default) =>
        UpdateBucketAsync(caller, bucket, b => b.Cors = document, cancellationToken);

    public Task<string> GetBucketCorsAsync(Caller caller, string bucket, CancellationToken cancellationToken = default) =>
        Task.FromResult(LoadBucket(bucket, caller).Cors
            ?? throw new S3Exception("NoSuchCORSConfiguration", "The CORS configuration does not exist", 404).With("BucketName", bucket));

    public Task DeleteBucketCorsAsync(Caller caller, string bucket, CancellationToken cancellationToken = default) =>
        UpdateBucketAsync(caller, bucket, b => b.Cors = null, cancellationToken);

    /// <summary>Stores a LifecycleConfiguration document the HTTP layer has validated, with its x-amz-transition-default-minimum-object-size.</summary>
    public Task PutBucketLifecycleAsync(Caller caller, string bucket, string document, string minimumObjectSize, CancellationToken cancellationToken = default) =>
        UpdateBucketAsync(caller, bucket, b => (b.Lifecycle, b.LifecycleMinimumObjectSize) = (document, minimumObjectSize), cancellationToken);

    public Task<(string Document, string? MinimumObjectSize)> GetBucketLifecycleAsync(Caller caller, string bucket, CancellationToken cancellationToken = default)
    {
        var record = LoadBucket(bucket, caller);
        return Task.FromResult((record.Lifecycle
            ?? throw new S3Exception("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist", 404).With("BucketName", bucket),
            record.LifecycleMinimumObjectSize));
    }

    /// <summary>
    /// The bucket's stored LifecycleConfiguration, or null (no bucket, another account's, or none): for the
    /// x-amz-expiration header of an operation that has already been authorized, so it never throws.
    /// </summary>
    public string? FindBucketLifecycle(Caller caller, string bucket) =>
        TryLoadBucket(bucket, out var record) && record.Owner == caller.AccountId ? record.Lifecycle : null;

    public Task DeleteBucketLifecycleAsync(Caller caller, string bucket, CancellationToken cancellationToken = default) =>
        UpdateBucketAsync(caller, bucket, b => (b.Lifecycle, b.LifecycleMinimumObjectSize) = (null, null), cancellationToken);
}
