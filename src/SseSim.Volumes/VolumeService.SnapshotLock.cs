using SseSim.Core.Aws;
using SseSim.Core.Storage;

namespace SseSim.Volumes;

/// <summary>
/// EBS snapshot lock (EBS User Guide, "Amazon EBS snapshot lock concepts"): governance or compliance mode, a duration
/// or an expiry date, a compliance cooling-off period; a locked snapshot cannot be deleted. The state is derived from
/// the stored request and the clock (block-volume.md §6.1). Error codes for refusals that AWS documents without naming
/// a code are SseSim's choice (README).
/// </summary>
public sealed partial class VolumeService
{
    public const string GovernanceMode = "governance";
    public const string ComplianceMode = "compliance";

    public async Task<SnapshotLockInfo> LockSnapshotAsync(Caller caller, LockSnapshotRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Mode is not (GovernanceMode or ComplianceMode))
        {
            throw Ec2Exception.InvalidParameter($"Value ({request.Mode}) for parameter lockMode is invalid. Valid values are 'governance' and 'compliance'.");
        }
        if (request.DurationDays is null && request.ExpirationDate is null)
        {
            throw new Ec2Exception("MissingParameter", "The request must contain the parameter lockDuration or expirationDate");
        }
        if (request.DurationDays is not null && request.ExpirationDate is not null)
        {
            throw Ec2Exception.Combination("The parameters lockDuration and expirationDate cannot be used together.");
        }
        if (request.DurationDays is < 1 or > 36500)
        {
            throw Ec2Exception.InvalidParameter($"Value ({request.DurationDays}) for parameter lockDuration is invalid. Valid range is 1-36500 days.");
        }
        if (request.CoolOffHours is not null && request.Mode == GovernanceMode)
        {
            throw Ec2Exception.Combination("The parameter coolOffPeriod can be used only with the compliance lock mode.");
        }
        if (request.CoolOffHours is < 1 or > 72)
        {
            throw Ec2Exception.InvalidParameter($"Value ({request.CoolOffHours}) for parameter coolOffPeriod is invalid. Valid range is 1-72 hours.");
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var snapshot = LoadSnapshot(caller, request.SnapshotId);
            if (snapshot.State is not ("pending" or "completed"))
            {
                throw new Ec2Exception("IncorrectState", $"Snapshot '{snapshot.SnapshotId}' is in the {snapshot.State} state; only pending and completed snapshots can be locked.");
            }
            var now = _time.GetUtcNow();
            if (request.ExpirationDate is { } date && date <= now)
            {
                throw Ec2Exception.InvalidParameter("The expirationDate must be in the future.");
            }
            var current = snapshot.Lock;
            var state = current is null ? null : LockState(snapshot, current, now);
            if (state == "expired")
            {
                (current, state) = (null, null);
            }
            if (state == ComplianceMode)
            {
                // After the cooling-off period only the duration may grow (the API reference's third case).
                if (request.Mode != ComplianceMode)
                {
                    throw new Ec2Exception("OperationNotPermitted", $"Snapshot '{snapshot.SnapshotId}' is locked in compliance mode and its cooling-off period has expired; its lock mode cannot be changed.");
                }
                if (request.CoolOffHours is not null)
                {
                    throw Ec2Exception.Combination($"Snapshot '{snapshot.SnapshotId}' is locked in compliance mode and its cooling-off period has expired; a coolOffPeriod cannot be specified.");
                }
            }
            var entering = current is null || current.Mode != ComplianceMode;
            var updated = new SnapshotLockRecord
            {
                Mode = request.Mode,
                CreatedOn = current?.CreatedOn ?? now,
                DurationDays = request.DurationDays,
                ExpiresOn = request.ExpirationDate,
                DurationSetOn = now,
                CoolOffHours = request.Mode != ComplianceMode ? null : state == ComplianceMode ? current!.CoolOffHours : request.CoolOffHours,
                CoolOffFrom = request.Mode != ComplianceMode ? null : entering ? now : current!.CoolOffFrom,
            };
            if (state == ComplianceMode && ExpiresOn(snapshot, updated) is { } newExpiry && ExpiresOn(snapshot, current!) is { } oldExpiry && newExpiry < oldExpiry)
            {
                throw new Ec2Exception("OperationNotPermitted", $"Snapshot '{snapshot.SnapshotId}' is locked in compliance mode and its cooling-off period has expired; its lock duration can only be increased.");
            }
            snapshot.Lock = updated;
            await _kv.PutAsync(Keys.Snapshot(snapshot.SnapshotId), Json.Encode(snapshot), cancellationToken);
            return LockInfo(snapshot, updated, now);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Unlocks a snapshot in governance mode or in its compliance cooling-off period.</summary>
    public async Task UnlockSnapshotAsync(Caller caller, string snapshotId, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var snapshot = LoadSnapshot(caller, snapshotId);
            var now = _time.GetUtcNow();
            switch (snapshot.Lock is { } l ? LockState(snapshot, l, now) : null)
            {
                case null:
                    throw new Ec2Exception("IncorrectState", $"Snapshot '{snapshotId}' is not locked.");
                case ComplianceMode:
                    throw new Ec2Exception("OperationNotPermitted", $"Snapshot '{snapshotId}' is locked in compliance mode and its cooling-off period has expired; it cannot be unlocked.");
            }
            snapshot.Lock = null;
            await _kv.PutAsync(Keys.Snapshot(snapshotId), Json.Encode(snapshot), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The caller's locked snapshots in its Region (expired locks included), optionally only <paramref name="ids"/>.</summary>
    public IReadOnlyList<SnapshotLockInfo> DescribeLockedSnapshots(Caller caller, IReadOnlyCollection<string>? ids)
    {
        var now = _time.GetUtcNow();
        return [.. _kv.Scan("ebs/snap/")
            .Select(kv => Json.Decode<SnapshotRecord>(kv.Value))
            .Where(s => s.Lock is not null && !s.Tombstone && s.AccountId == caller.AccountId && s.Region == caller.Region
                && (ids is null || ids.Contains(s.SnapshotId)))
            .Select(s => LockInfo(s, s.Lock!, now))];
    }

    /// <summary>Why DeleteSnapshot must refuse, or null when the snapshot is not locked (or its lock expired).</summary>
    private Ec2Exception? LockedAgainstDeletion(SnapshotRecord snapshot) =>
        snapshot.Lock is { } l && LockState(snapshot, l, _time.GetUtcNow()) != "expired"
            ? new Ec2Exception("OperationNotPermitted", $"The snapshot '{snapshot.SnapshotId}' is locked and cannot be deleted.")
            : null;

    // block-volume.md §6.1: the duration runs from when it was set, or from completion if that is later.
    private static DateTimeOffset? ExpiresOn(SnapshotRecord snapshot, SnapshotLockRecord l) =>
        l.ExpiresOn ?? (DurationStart(snapshot, l) is { } start ? start.AddDays(l.DurationDays!.Value) : null);

    private static DateTimeOffset? DurationStart(SnapshotRecord snapshot, SnapshotLockRecord l) =>
        l.DurationDays is null || snapshot.State != "completed" ? null
        : snapshot.CompletionTime is { } done && done > l.DurationSetOn ? done : l.DurationSetOn;

    private static DateTimeOffset? CoolOffEnds(SnapshotLockRecord l) =>
        l.CoolOffHours is { } hours && l.CoolOffFrom is { } from ? from.AddHours(hours) : null;

    private static string LockState(SnapshotRecord snapshot, SnapshotLockRecord l, DateTimeOffset now) =>
        ExpiresOn(snapshot, l) is { } expiry && now >= expiry ? "expired"
        : l.Mode == GovernanceMode ? GovernanceMode
        : CoolOffEnds(l) is { } ends && now < ends ? "compliance-cooloff"
        : ComplianceMode;

    private static SnapshotLockInfo LockInfo(SnapshotRecord snapshot, SnapshotLockRecord l, DateTimeOffset now) => new(
        snapshot.SnapshotId, snapshot.AccountId, LockState(snapshot, l, now), l.DurationDays, l.CoolOffHours, CoolOffEnds(l),
        l.CreatedOn, DurationStart(snapshot, l), ExpiresOn(snapshot, l));
}
