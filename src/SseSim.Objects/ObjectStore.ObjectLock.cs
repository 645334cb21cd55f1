using SseSim.Core.Aws;

namespace SseSim.Objects;

/// <summary>
/// S3 Object Lock (docs/formats/s3-metadata-records.md#object-lock): the bucket's configuration and default retention,
/// each version's retention and legal hold, and the refusal to delete a protected version. Time is the store's clock.
/// </summary>
public sealed partial class ObjectStore
{
    public const string Governance = "GOVERNANCE";
    public const string Compliance = "COMPLIANCE";

    /// <summary>PutObjectLockConfiguration: turns Object Lock on (versioning must be Enabled) and sets or removes the default retention.</summary>
    public Task PutObjectLockConfigurationAsync(Caller caller, string bucket, ObjectLockRule? rule, CancellationToken cancellationToken = default)
    {
        if (rule is not null)
        {
            ValidateRule(rule);
        }
        return UpdateBucketAsync(caller, bucket, b =>
        {
            if (!b.HasObjectLock && b.VersioningState != Records.Enabled)
            {
                // AWS's InvalidBucketState carries no BucketName.
                throw new S3Exception("InvalidBucketState", "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration", 409);
            }
            (b.ObjectLockEnabled, b.ObjectLockRule) = (true, rule);
        }, cancellationToken);
    }

    private static void ValidateRule(ObjectLockRule rule)
    {
        if (rule.Mode is not (Governance or Compliance) || (rule.Days is null) == (rule.Years is null))
        {
            throw S3Exception.MalformedXml();
        }
        var period = rule.Days ?? rule.Years!.Value;
        if (period <= 0)
        {
            throw new S3Exception("InvalidRetentionPeriod", "Default retention period must be a positive integer value.", 400);
        }
        if (rule.Days > 36500 || rule.Years > 100)
        {
            throw new S3Exception("InvalidRetentionPeriod", "Default retention period is too large.", 400);
        }
    }

    /// <summary>The default retention (null: none) of a bucket with Object Lock; ObjectLockConfigurationNotFoundError (404) without.</summary>
    public Task<ObjectLockRule?> GetObjectLockConfigurationAsync(Caller caller, string bucket, CancellationToken cancellationToken = default)
    {
        var record = LoadBucket(bucket, caller);
        return record.HasObjectLock
            ? Task.FromResult(record.ObjectLockRule)
            : throw new S3Exception("ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket", 404).With("BucketName", bucket);
    }

    /// <summary>
    /// PutObjectRetention; a null <paramref name="retention"/> removes it. A retention in force can only be kept or
    /// extended in the same mode, unless it is GOVERNANCE and <paramref name="bypassGovernance"/> is set.
    /// </summary>
    public Task PutObjectRetentionAsync(Caller caller, string bucket, string key, string? versionId, ObjectRetention? retention, bool bypassGovernance = false,
        CancellationToken cancellationToken = default)
    {
        RequireObjectLock(bucket, caller);
        var now = _time.GetUtcNow();
        if (retention is not null)
        {
            if (retention.Mode is not (Governance or Compliance))
            {
                throw S3Exception.MalformedXml();
            }
            if (retention.RetainUntilDate <= now)
            {
                throw S3Exception.InvalidArgument("The retain until date must be in the future!", "RetainUntilDate");
            }
        }
        return UpdateObjectAsync(caller, bucket, key, versionId, "PUT", r =>
        {
            if (RetentionInForce(r, now) && !(retention is not null && retention.Mode == r.LockMode && retention.RetainUntilDate >= r.LockRetainUntil)
                && !(r.LockMode == Governance && bypassGovernance))
            {
                throw ProtectedByObjectLock();
            }
            (r.LockMode, r.LockRetainUntil) = (retention?.Mode, retention is null ? null : Millis(retention.RetainUntilDate));
        }, cancellationToken);
    }

    /// <summary>The version's retention, also once it has expired; NoSuchObjectLockConfiguration (404) when it has none.</summary>
    public Task<ObjectRetention> GetObjectRetentionAsync(Caller caller, string bucket, string key, string? versionId = null, CancellationToken cancellationToken = default)
    {
        RequireObjectLock(bucket, caller);
        var (record, _, _) = FindTaggable(caller, bucket, key, versionId, "GET");
        return Task.FromResult(record is { LockMode: { } mode, LockRetainUntil: { } until } ? new ObjectRetention(mode, until) : throw NoObjectLockConfiguration());
    }

    /// <summary>PutObjectLegalHold: ON (true) or OFF (false); needs no bypass either way.</summary>
    public Task PutObjectLegalHoldAsync(Caller caller, string bucket, string key, string? versionId, bool on, CancellationToken cancellationToken = default)
    {
        RequireObjectLock(bucket, caller);
        return UpdateObjectAsync(caller, bucket, key, versionId, "PUT", r => r.LegalHold = on, cancellationToken);
    }

    /// <summary>The version's legal hold (true: ON); NoSuchObjectLockConfiguration (404) when it was never set.</summary>
    public Task<bool> GetObjectLegalHoldAsync(Caller caller, string bucket, string key, string? versionId = null, CancellationToken cancellationToken = default)
    {
        RequireObjectLock(bucket, caller);
        var (record, _, _) = FindTaggable(caller, bucket, key, versionId, "GET");
        return Task.FromResult(record.LegalHold ?? throw NoObjectLockConfiguration());
    }

    private void RequireObjectLock(string bucket, Caller caller)
    {
        if (!LoadBucket(bucket, caller).HasObjectLock)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Bucket is missing Object Lock Configuration");
        }
    }

    private static S3Exception NoObjectLockConfiguration() =>
        new("NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration", 404);

    private static S3Exception ProtectedByObjectLock() =>
        new(S3ErrorCode.AccessDenied, "Access Denied because object protected by object lock.");

    private static bool RetentionInForce(ObjectRecord r, DateTimeOffset now) => r.LockMode is not null && r.LockRetainUntil > now;

    /// <summary>S3 keeps a retain-until date to the millisecond.</summary>
    private static DateTimeOffset Millis(DateTimeOffset t) =>
        new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    /// <summary>
    /// Refuses a write's x-amz-object-lock-* headers that the bucket or the clock does not allow; <paramref name="hasIntegrity"/>
    /// says whether the upload carries Content-MD5 or a flexible checksum (null: the request has no body, CopyObject and
    /// CreateMultipartUpload), which AWS requires of an upload that Object Lock will protect.
    /// </summary>
    private void CheckObjectLockWrite(BucketRecord bucket, ObjectLockHeaders? headers, bool? hasIntegrity)
    {
        if (headers is not null && !headers.IsEmpty)
        {
            if (!bucket.HasObjectLock)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "Bucket is missing ObjectLockConfiguration");
            }
            if (headers.Retention is { } retention && retention.RetainUntilDate <= _time.GetUtcNow())
            {
                throw S3Exception.InvalidArgument("The retain until date must be in the future!", "x-amz-object-lock-retain-until-date");
            }
        }
        if (hasIntegrity == false && ((headers is not null && !headers.IsEmpty) || bucket.ObjectLockRule is not null))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters");
        }
    }

    /// <summary>Gives a new version the request's lock settings (already checked).</summary>
    private static void SetObjectLock(ObjectRecord record, ObjectLockHeaders? headers)
    {
        if (headers?.Retention is { } retention)
        {
            (record.LockMode, record.LockRetainUntil) = (retention.Mode, Millis(retention.RetainUntilDate));
        }
        record.LegalHold = headers?.LegalHold;
    }

    /// <summary>At commit: a new version without a retention of its own gets the bucket's default retention.</summary>
    private void ApplyDefaultRetention(BucketRecord bucket, ObjectRecord record)
    {
        if (record.LockMode is not null || bucket.ObjectLockRule is not { } rule || !bucket.HasObjectLock)
        {
            return;
        }
        var now = Millis(_time.GetUtcNow());
        record.LockMode = rule.Mode;
        record.LockRetainUntil = rule.Days is { } days ? now.AddDays(days) : now.AddYears(rule.Years ?? 0);
    }

    /// <summary>A DELETE by version id of a version Object Lock protects: AccessDenied.</summary>
    private void CheckDeletable(ObjectRecord? version, bool bypassGovernance)
    {
        if (version is null || version.IsDeleteMarker)
        {
            return;
        }
        if (version.LegalHold == true || (RetentionInForce(version, _time.GetUtcNow()) && !(version.LockMode == Governance && bypassGovernance)))
        {
            throw ProtectedByObjectLock();
        }
    }
}
