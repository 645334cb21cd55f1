using SseSim.Core.Aws;
using SseSim.Core.Storage;

namespace SseSim.Volumes;

/// <summary>
/// Fast snapshot restore (EBS User Guide, "Amazon EBS fast snapshot restore"): enabled per snapshot and Availability
/// Zone, optimizing for 60 minutes per TiB and then enabled on the injected clock (block-volume.md §6.2); volumes
/// created from the snapshot in a zone where it is enabled are FastRestored, and the snapshot cannot be deleted
/// until it is disabled everywhere. It changes no data path: the simulator restores every volume lazily anyway.
/// </summary>
public sealed partial class VolumeService
{
    private const string UserInitiated = "Client.UserInitiated";
    private const string LifecycleTransition = "Client.UserInitiated - Lifecycle state transition";

    public Task<(IReadOnlyList<FastSnapshotRestoreInfo> Successful, IReadOnlyList<FastSnapshotRestoreError> Unsuccessful)> EnableFastSnapshotRestoresAsync(
        Caller caller, IReadOnlyList<string> zones, IReadOnlyList<string> snapshotIds, CancellationToken cancellationToken = default) =>
        ChangeFastSnapshotRestoresAsync(caller, zones, snapshotIds, enable: true, cancellationToken);

    public Task<(IReadOnlyList<FastSnapshotRestoreInfo> Successful, IReadOnlyList<FastSnapshotRestoreError> Unsuccessful)> DisableFastSnapshotRestoresAsync(
        Caller caller, IReadOnlyList<string> zones, IReadOnlyList<string> snapshotIds, CancellationToken cancellationToken = default) =>
        ChangeFastSnapshotRestoresAsync(caller, zones, snapshotIds, enable: false, cancellationToken);

    /// <summary>The caller's snapshots' fast snapshot restore states in its Region, one entry per zone.</summary>
    public IReadOnlyList<FastSnapshotRestoreInfo> DescribeFastSnapshotRestores(Caller caller)
    {
        var now = _time.GetUtcNow();
        return [.. _kv.Scan("ebs/snap/")
            .Select(kv => Json.Decode<SnapshotRecord>(kv.Value))
            .Where(s => s.FastRestores is { Count: > 0 } && !s.Tombstone && s.AccountId == caller.AccountId && s.Region == caller.Region)
            .SelectMany(s => s.FastRestores!.OrderBy(z => z.Key, StringComparer.Ordinal).Select(z => FastRestoreInfo(s, z.Key, z.Value, now)))];
    }

    /// <summary>Whether a volume made now from <paramref name="snapshot"/> in <paramref name="zone"/> is fast restored.</summary>
    private bool FastRestoredIn(SnapshotRecord snapshot, string zone) =>
        snapshot.FastRestores?.TryGetValue(zone, out var since) == true && FastRestoreInfo(snapshot, zone, since, _time.GetUtcNow()).State == "enabled";

    /// <summary>DeleteSnapshot's refusal while fast snapshot restore is enabled in a zone (AWS's answer, as aws-nuke#453 quotes it).</summary>
    private static Ec2Exception? FastRestoreBlocksDeletion(SnapshotRecord snapshot) =>
        snapshot.FastRestores is { Count: > 0 } zones
            ? new Ec2Exception("InvalidSnapshot.InUse", $"The snapshot {snapshot.SnapshotId} is currently enabled for fast restores in {zones.Keys.Order(StringComparer.Ordinal).First()}. Fast snapshot restores must be disabled within all Availability Zones before the snapshot may be deleted.")
            : null;

    private async Task<(IReadOnlyList<FastSnapshotRestoreInfo> Successful, IReadOnlyList<FastSnapshotRestoreError> Unsuccessful)> ChangeFastSnapshotRestoresAsync(
        Caller caller, IReadOnlyList<string> zones, IReadOnlyList<string> snapshotIds, bool enable, CancellationToken cancellationToken)
    {
        if (zones.Count == 0)
        {
            throw new Ec2Exception("MissingParameter", "The request must contain the parameter AvailabilityZone");
        }
        if (snapshotIds.Count == 0)
        {
            throw new Ec2Exception("MissingParameter", "The request must contain the parameter SourceSnapshotId");
        }
        var successful = new List<FastSnapshotRestoreInfo>();
        var unsuccessful = new List<FastSnapshotRestoreError>();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            foreach (var id in snapshotIds.Distinct(StringComparer.Ordinal))
            {
                SnapshotRecord snapshot;
                try
                {
                    snapshot = LoadSnapshot(caller, id);
                }
                catch (Ec2Exception e)
                {
                    unsuccessful.AddRange(zones.Select(z => new FastSnapshotRestoreError(id, z, e.Code, e.Message)));
                    continue;
                }
                var changed = false;
                foreach (var zone in zones.Distinct(StringComparer.Ordinal))
                {
                    if (AvailabilityZones.IdOf(caller.Region, zone) is null)
                    {
                        unsuccessful.Add(new FastSnapshotRestoreError(id, zone, "InvalidParameterValue", $"Invalid availability zone: [{zone}]"));
                        continue;
                    }
                    var restores = snapshot.FastRestores ??= [];
                    if (enable)
                    {
                        if (snapshot.State != "completed")
                        {
                            unsuccessful.Add(new FastSnapshotRestoreError(id, zone, "IncorrectState", $"Snapshot '{id}' is not completed."));
                            continue;
                        }
                        // Enabling where it is enabled already answers its current state.
                        if (!restores.TryGetValue(zone, out var since))
                        {
                            restores[zone] = since = now;
                            changed = true;
                        }
                        var info = FastRestoreInfo(snapshot, zone, since, now);
                        successful.Add(since == now ? info with { State = "enabling" } : info);
                    }
                    else if (restores.Remove(zone, out var since))
                    {
                        changed = true;
                        successful.Add(FastRestoreInfo(snapshot, zone, since, now) with { State = "disabling", StateTransitionReason = UserInitiated, DisablingTime = now });
                    }
                    else
                    {
                        // Disabling where it is not enabled: AWS answers the zone as already disabled.
                        successful.Add(new FastSnapshotRestoreInfo(id, zone, AvailabilityZones.IdOf(caller.Region, zone)!, "disabled", UserInitiated, snapshot.AccountId, null, null, null, null, now));
                    }
                }
                if (changed)
                {
                    if (snapshot.FastRestores is { Count: 0 })
                    {
                        snapshot.FastRestores = null;
                    }
                    await _kv.PutAsync(Keys.Snapshot(id), Json.Encode(snapshot), cancellationToken);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
        return (successful, unsuccessful);
    }

    // block-volume.md §6.2: optimizing at once, enabled after 60 minutes per TiB (at least a second).
    private static FastSnapshotRestoreInfo FastRestoreInfo(SnapshotRecord snapshot, string zone, DateTimeOffset since, DateTimeOffset now)
    {
        var optimizing = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(snapshot.VolumeSize * 3600.0 / 1024)));
        var enabledAt = since + optimizing;
        var enabled = now >= enabledAt;
        return new FastSnapshotRestoreInfo(snapshot.SnapshotId, zone, AvailabilityZones.IdOf(snapshot.Region, zone) ?? zone,
            enabled ? "enabled" : "optimizing", since == now ? UserInitiated : LifecycleTransition, snapshot.AccountId,
            since, since, enabled ? enabledAt : null, null, null);
    }
}
