using SseSim.Core.Aws;

namespace SseSim.Objects;

/// <summary>
/// Archived objects (GLACIER, DEEP_ARCHIVE) and RestoreObject (docs/formats/s3-metadata-records.md#restore). The body
/// stays where it is, encrypted as stored; "restored" is a state with a time window, evaluated against the injected
/// clock, so nothing runs in the background and a restart keeps every restore.
/// </summary>
public sealed partial class ObjectStore
{
    /// <summary>
    /// Starts a restore of an archived object, or extends the restored copy's lifetime. Returns true when the object
    /// was already restored (S3 answers 200), false for a new restore (202).
    /// </summary>
    public async Task<bool> RestoreObjectAsync(Caller caller, string bucket, string key, string? versionId, int days, RestoreTier tier,
        CancellationToken cancellationToken = default)
    {
        ValidateVersionId(versionId);
        var alreadyRestored = false;
        await UpdateObjectAsync(caller, bucket, key, versionId, "POST", record =>
        {
            var storageClass = record.Headers.StorageClass;
            if (!StorageClasses.IsArchive(storageClass))
            {
                throw new S3Exception(S3ErrorCode.InvalidObjectState, "Restore is not allowed for the object's current storage class", 403);
            }
            if (tier == RestoreTier.Expedited && storageClass == StorageClasses.DeepArchive)
            {
                // AWS: Expedited retrievals "are not available for objects stored in the S3 Glacier Deep Archive storage class".
                throw S3Exception.InvalidArgument("Expedited retrieval is not available for the DEEP_ARCHIVE storage class.", "Tier", "Expedited");
            }
            var now = _time.GetUtcNow();
            switch (RestoreOf(record, now))
            {
                case { InProgress: true }:
                    throw new S3Exception(S3ErrorCode.RestoreAlreadyInProgress, "Object restore is already in progress", 409);
                case not null:
                    // A restored copy's lifetime starts again from now (S3: "relative to the current time").
                    alreadyRestored = true;
                    record.RestoreExpiry = ExpiryAfter(now, days);
                    break;
                default:
                    record.RestoreReadyAt = now + _options.RestoreDuration;
                    record.RestoreExpiry = ExpiryAfter(record.RestoreReadyAt.Value, days);
                    break;
            }
        }, cancellationToken).ConfigureAwait(false);
        return alreadyRestored;
    }

    /// <summary>
    /// S3 adds the days to the time and rounds up to the next midnight UTC: 10:30 plus 3 days expires at 00:00 of the
    /// fourth day (AWS: "Restoring an archived object").
    /// </summary>
    internal static DateTimeOffset ExpiryAfter(DateTimeOffset from, int days)
    {
        var end = from.ToUniversalTime().AddDays(days);
        return new DateTimeOffset(end.Date, TimeSpan.Zero).AddDays(1);
    }

    /// <summary>The object's restore as of <paramref name="now"/>; null when it has none or its restored copy has expired.</summary>
    private static RestoreStatus? RestoreOf(ObjectRecord record, DateTimeOffset now) =>
        record is { RestoreReadyAt: { } ready, RestoreExpiry: { } expiry } && StorageClasses.IsArchive(record.Headers.StorageClass) && now < expiry
            ? new RestoreStatus(now < ready, expiry)
            : null;

    /// <summary>
    /// A read of an archived object's body (GET, a copy source) needs its restored copy: 403 InvalidObjectState
    /// otherwise, naming the class as S3 does.
    /// </summary>
    private void RequireReadable(ObjectRecord record)
    {
        if (StorageClasses.IsArchive(record.Headers.StorageClass) && RestoreOf(record, _time.GetUtcNow()) is not { InProgress: false })
        {
            throw new S3Exception(S3ErrorCode.InvalidObjectState, "The operation is not valid for the object's storage class", 403)
                .With("StorageClass", record.Headers.StorageClass!);
        }
    }
}
