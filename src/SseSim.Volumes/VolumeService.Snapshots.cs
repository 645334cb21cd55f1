using SseSim.Core.Aws;
using SseSim.Core.Storage;
using SseSim.Volumes.Blocks;
using SseSim.Volumes.Snapshots;

namespace SseSim.Volumes;

public sealed partial class VolumeService
{
    /// <summary>
    /// Point-in-time, incremental snapshot (block-volume.md §5.2–5.3). Returns <c>pending</c>; blocks are copied
    /// in the background with copy-on-write protection, so the volume stays usable.
    /// </summary>
    public async Task<SnapshotInfo> CreateSnapshotAsync(Caller caller, string volumeId, string? description = null, IReadOnlyList<Tag>? tags = null, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var volume = LoadVolume(caller, volumeId);
            return (await StartSnapshotsLockedAsync(caller, [(volume, tags ?? [])], description, cancellationToken))[0];
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// CreateSnapshots: one snapshot of each volume attached to the instance (minus the excluded ones), all taken at
    /// one instant, so the set is crash-consistent across the instance's volumes.
    /// </summary>
    public async Task<IReadOnlyList<SnapshotInfo>> CreateSnapshotsAsync(Caller caller, string instanceId, IReadOnlyList<string> excludeVolumeIds,
        string? description, IReadOnlyList<Tag> tags, bool copyVolumeTags, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var instance = LoadInstance(caller, instanceId);
            if (instance.State == "terminated")
            {
                throw new Ec2Exception("IncorrectState", $"The instance '{instanceId}' is not in a state from which snapshots can be created.");
            }
            var volumes = AttachedInOrder(instanceId).ToList();
            foreach (var id in excludeVolumeIds)
            {
                AwsIds.RequireVolumeId(id);
                if (volumes.All(v => v.VolumeId != id))
                {
                    throw Ec2Exception.InvalidParameter($"The volume '{id}' is not attached to instance '{instanceId}'.");
                }
            }
            var sources = volumes.Where(v => !excludeVolumeIds.Contains(v.VolumeId))
                .Select(v => (v, (IReadOnlyList<Tag>)[.. copyVolumeTags ? v.Tags : [], .. tags])).ToList();
            return await StartSnapshotsLockedAsync(caller, sources, description, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Records one pending snapshot per volume, captures what every volume holds at one instant (each volume's writes
    /// held while all are captured), and copies the blocks in the background with copy-on-write protection.
    /// </summary>
    private async Task<List<SnapshotInfo>> StartSnapshotsLockedAsync(Caller caller, IReadOnlyList<(VolumeRecord Volume, IReadOnlyList<Tag> Tags)> sources,
        string? description, CancellationToken cancellationToken)
    {
        var snapshots = sources.Select(source =>
        {
            var volume = source.Volume;
            var parentId = volume.LastSnapshotId;
            var parent = parentId is null ? null : LoadManifest(parentId);
            return (Volume: volume, Parent: parent, Record: new SnapshotRecord
            {
                SnapshotId = AwsIds.New("snap"),
                AccountId = caller.AccountId,
                Region = caller.Region,
                VolumeId = volume.VolumeId,
                VolumeSize = volume.Size,
                State = "pending",
                StartTime = _time.GetUtcNow(),
                Description = description,
                Encrypted = volume.Encrypted,
                KmsKeyArn = volume.KmsKeyArn,
                WrappedKey = volume.WrappedKey,
                KeyContextId = volume.KeyContextId,
                LineageId = volume.LineageId,
                Writers = new Dictionary<uint, string>(volume.Writers),
                ParentSnapshotId = parent is null ? null : parentId,
                Tags = [.. source.Tags],
            });
        }).ToList();
        if (snapshots.Count == 0)
        {
            return [];
        }
        await _kv.ApplyAsync([.. snapshots.Select(s => new KvMutation(Keys.Snapshot(s.Record.SnapshotId), Json.Encode(s.Record)))], cancellationToken);

        var runtimes = snapshots.Select(s => Runtime(s.Volume)).ToList();
        var held = new List<Lock>();
        var started = new List<(Manifest Manifest, PendingCopy Pending)>();
        try
        {
            // The instant of the snapshots: what is present now is what they will hold. Volume id order, so two
            // overlapping multi-volume snapshots cannot deadlock.
            foreach (var runtime in runtimes.OrderBy(r => r.VolumeId, StringComparer.Ordinal))
            {
                runtime.Gate.Enter();
                held.Add(runtime.Gate);
            }
            for (var i = 0; i < snapshots.Count; i++)
            {
                var (runtime, (_, parent, snapshot)) = (runtimes[i], snapshots[i]);
                var manifest = new Manifest();
                var captured = runtime.Map.Snapshot();
                if (runtime.Base is not null)
                {
                    foreach (var (index, holder) in runtime.Base.Entries)
                    {
                        if (!runtime.Map.Contains(index))
                        {
                            manifest.Entries[index] = holder;
                        }
                    }
                }
                var pending = new PendingCopy([.. captured], (index, record) => CopyBlockLocked(runtime, snapshot.SnapshotId, parent, manifest, index, record));
                runtime.Pending.Add(pending);
                started.Add((manifest, pending));
            }
        }
        finally
        {
            foreach (var gate in held)
            {
                gate.Exit();
            }
        }
        for (var i = 0; i < snapshots.Count; i++)
        {
            var (runtime, snapshot, (manifest, pending)) = (runtimes[i], snapshots[i].Record, started[i]);
            var volumeId = snapshots[i].Volume.VolumeId;
            var task = Task.Run(() => DrainSnapshotAsync(caller, volumeId, runtime, snapshot, manifest, pending), CancellationToken.None);
            lock (_snapshotTasks)
            {
                _snapshotTasks[snapshot.SnapshotId] = task;
            }
        }
        return [.. snapshots.Select(s => ToInfo(s.Record))];
    }

    /// <summary>Decides, for one captured block, whether the new snapshot holds it or references its parent's copy.</summary>
    private void CopyBlockLocked(VolumeRuntime runtime, string snapshotId, Manifest? parent, Manifest manifest, long index, byte[]? record)
    {
        if (record is null)
        {
            // Own record gone (trimmed, no base data): the base shows through, or the block is zero.
            if (runtime.Base?.Entries.TryGetValue(index, out var baseHolder) == true)
            {
                manifest.Entries[index] = baseHolder;
            }
            return;
        }
        if (parent?.Entries.TryGetValue(index, out var holder) == true)
        {
            var old = new byte[BlockFormat.EncryptedRecordSize];
            // Every encrypted write has a fresh nonce, so identical bytes mean "not written since the parent".
            if (_snapshots.TryRead(holder, index, old, out var length) && old.AsSpan(0, length).SequenceEqual(record))
            {
                manifest.Entries[index] = holder;
                return;
            }
        }
        _snapshots.Write(snapshotId, index, record);
        manifest.Entries[index] = snapshotId;
    }

    /// <summary>
    /// Tests only: awaited with the snapshot id after its blocks are copied and before its completion is recorded, so a
    /// test can act on a snapshot that is certainly still pending.
    /// </summary>
    internal Func<string, Task>? BeforeSnapshotCompletes { get; set; }

    /// <summary>The snapshot's record as last stored (under <c>_gate</c>), or <paramref name="captured"/> if none is.</summary>
    private SnapshotRecord StoredSnapshot(SnapshotRecord captured) =>
        _kv.TryGet(Keys.Snapshot(captured.SnapshotId), out var bytes) ? Json.Decode<SnapshotRecord>(bytes) : captured;

    private async Task DrainSnapshotAsync(Caller caller, string volumeId, VolumeRuntime runtime, SnapshotRecord snapshot, Manifest manifest, PendingCopy pending)
    {
        try
        {
            foreach (var index in pending.Remaining.ToArray())
            {
                lock (runtime.Gate)
                {
                    if (pending.Remaining.Remove(index))
                    {
                        var record = new byte[BlockFormat.EncryptedRecordSize];
                        pending.Process(index, _blocks.TryRead(volumeId, index, record, out var length) ? record[..length] : null);
                    }
                }
            }
            lock (runtime.Gate)
            {
                runtime.Pending.Remove(pending);
            }
            pending.Copied.TrySetResult();
            await _snapshots.FlushAsync();
            if (BeforeSnapshotCompletes is { } hold)
            {
                await hold(snapshot.SnapshotId);
            }
            await _gate.WaitAsync();
            try
            {
                // The stored record, not the one captured at CreateSnapshot: tags and attributes set while the copy ran
                // must survive its completion.
                var current = StoredSnapshot(snapshot);
                current.State = snapshot.State = "completed";
                current.CompletionTime = snapshot.CompletionTime = _time.GetUtcNow();
                var batch = new List<KvMutation>
                {
                    new(Keys.Manifest(snapshot.SnapshotId), manifest.Encode()),
                    new(Keys.Snapshot(snapshot.SnapshotId), Json.Encode(current)),
                };
                if (_kv.TryGet(Keys.Volume(volumeId), out var bytes))
                {
                    var volume = Json.Decode<VolumeRecord>(bytes);
                    volume.LastSnapshotId = snapshot.SnapshotId;
                    batch.Add(new KvMutation(Keys.Volume(volumeId), Json.Encode(volume)));
                }
                await _kv.ApplyAsync(batch);
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (Exception e)
        {
            lock (runtime.Gate)
            {
                runtime.Pending.Remove(pending);
            }
            pending.Copied.TrySetResult();
            await _gate.WaitAsync();
            try
            {
                var current = StoredSnapshot(snapshot);
                current.State = snapshot.State = "error";
                current.StateMessage = snapshot.StateMessage = e.Message;
                await _kv.PutAsync(Keys.Snapshot(snapshot.SnapshotId), Json.Encode(current));
            }
            finally
            {
                _gate.Release();
            }
        }
        finally
        {
            lock (_snapshotTasks)
            {
                _snapshotTasks.Remove(snapshot.SnapshotId);
            }
        }
        _ = caller;
    }

    /// <summary>Waits until a snapshot started by CreateSnapshot leaves <c>pending</c> (tests, orderly shutdown).</summary>
    public Task WaitForSnapshotAsync(string snapshotId)
    {
        lock (_snapshotTasks)
        {
            return _snapshotTasks.TryGetValue(snapshotId, out var t) ? t : Task.CompletedTask;
        }
    }


    /// <summary>
    /// DescribeSnapshots as EC2 scopes it: every snapshot the caller may restore (its own, shared with its account,
    /// public), narrowed by owner ids ("self" or account ids) and by the accounts that may restore them ("self",
    /// account ids, "all" for public ones). Another account's snapshot shows no tags.
    /// </summary>
    public IReadOnlyList<SnapshotInfo> DescribeSnapshots(Caller caller, IReadOnlyList<string>? snapshotIds = null, Filters? filters = null,
        IReadOnlyList<string>? ownerIds = null, IReadOnlyList<string>? restorableBy = null)
    {
        var owners = ownerIds is { Count: > 0 } ? ownerIds.Select(o => o == "self" ? caller.AccountId : o).ToHashSet(StringComparer.Ordinal) : null;
        var restorers = restorableBy is { Count: > 0 } ? restorableBy.Select(r => r == "self" ? caller.AccountId : r).ToList() : null;
        var all = _kv.Scan("ebs/snap/").Select(kv => Json.Decode<SnapshotRecord>(kv.Value))
            .Where(s => !s.Tombstone && s.Region == caller.Region && RestorableBy(s, caller.AccountId))
            .Where(s => owners is null || owners.Contains(s.AccountId))
            .Where(s => restorers is null || restorers.Any(r => r == "all" ? IsPublic(s) : RestorableBy(s, r)))
            .ToList();
        if (snapshotIds is { Count: > 0 })
        {
            foreach (var id in snapshotIds)
            {
                AwsIds.RequireSnapshotId(id);
            }
            var missing = snapshotIds.FirstOrDefault(id => all.All(s => s.SnapshotId != id));
            if (missing is not null)
            {
                throw Ec2Exception.SnapshotNotFound(missing);
            }
            all = [.. all.Where(s => snapshotIds.Contains(s.SnapshotId))];
        }
        return [.. all.Where(s => FilterMatch.All(filters, name => name switch
        {
            "snapshot-id" => [s.SnapshotId],
            "volume-id" => [s.VolumeId],
            "status" => [s.State],
            "encrypted" => [s.Encrypted ? "true" : "false"],
            "owner-id" => [s.AccountId],
            "volume-size" => [s.VolumeSize.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            "description" => s.Description is null ? [] : [s.Description],
            "progress" => [ToInfo(s).Progress],
            "start-time" => [FilterTime(s.StartTime)],
            "storage-tier" => ["standard"],
            // Snapshots here are owned by accounts, never by amazon or aws-marketplace, and answer no transferType.
            "owner-alias" or "transfer-type" => [],
            "tag-key" => s.Tags.Select(t => t.Key),
            _ when name.StartsWith("tag:", StringComparison.Ordinal) => s.Tags.Where(t => t.Key == name[4..]).Select(t => t.Value),
            _ => throw Ec2Exception.InvalidFilter(name),
        })).Select(s => s.AccountId == caller.AccountId ? ToInfo(s) : ToInfo(s) with { Tags = [] })];
    }

    /// <summary>
    /// ModifySnapshotAttribute createVolumePermission: share with accounts or make public ("all"), or take it back.
    /// Encrypted snapshots cannot be public, and ones under the AWS managed aws/ebs key cannot be shared at all
    /// (other accounts can never be allowed to use that key).
    /// </summary>
    public async Task ModifyCreateVolumePermissionAsync(Caller caller, string snapshotId, IReadOnlyList<string> add, IReadOnlyList<string> remove, CancellationToken cancellationToken = default)
    {
        foreach (var id in add.Concat(remove))
        {
            if (id != "all" && (id.Length != 12 || !id.All(char.IsAsciiDigit)))
            {
                throw new Ec2Exception("InvalidUserID.Malformed", $"User ID '{id}' is invalid");
            }
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var s = LoadSnapshot(caller, snapshotId);
            if (add.Contains("all") && Settings(caller).SnapshotBlockPublicAccess is not null)
            {
                throw new Ec2Exception("OperationNotPermitted", "You can't publicly share this snapshot because block public access for snapshots is enabled for this account. To publicly share the snapshot, you must call the DisableSnapshotBlockPublicAccess API.");
            }
            if (add.Count > 0 && s.Encrypted)
            {
                if (add.Contains("all"))
                {
                    throw new Ec2Exception("InvalidParameter", "Encrypted snapshots cannot be shared publicly.");
                }
                if (await ResolveAsync(caller, AwsManagedEbsAlias, cancellationToken) == s.KmsKeyArn)
                {
                    throw new Ec2Exception("OperationNotPermitted", "Encrypted snapshots with EBS default key cannot be shared");
                }
            }
            s.CreateVolumePermissions.RemoveAll(remove.Contains);
            s.CreateVolumePermissions.AddRange(add.Where(a => a != s.AccountId && !s.CreateVolumePermissions.Contains(a)).Distinct());
            await _kv.PutAsync(Keys.Snapshot(s.SnapshotId), Json.Encode(s), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public string GetSnapshotBlockPublicAccessState(Caller caller) => Settings(caller).SnapshotBlockPublicAccess ?? "unblocked";

    /// <summary>
    /// Enable/DisableSnapshotBlockPublicAccess: block-new-sharing refuses new public sharing; block-all-sharing also
    /// hides the snapshots already public (their permission stays, and shows again when unblocked).
    /// </summary>
    public async Task<string> SetSnapshotBlockPublicAccessAsync(Caller caller, string state, CancellationToken cancellationToken = default)
    {
        if (state is not ("block-all-sharing" or "block-new-sharing" or "unblocked"))
        {
            throw Ec2Exception.InvalidParameter($"Value ({state}) for parameter State is invalid. Expected: 'block-all-sharing', 'block-new-sharing'.");
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var settings = Settings(caller);
            settings.SnapshotBlockPublicAccess = state == "unblocked" ? null : state;
            await _kv.PutAsync(Keys.Account(caller.AccountId, caller.Region), Json.Encode(settings), cancellationToken);
            return state;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>DescribeSnapshotAttribute createVolumePermission (owner only).</summary>
    public IReadOnlyList<string> DescribeCreateVolumePermission(Caller caller, string snapshotId) => [.. LoadSnapshot(caller, snapshotId).CreateVolumePermissions];

    public async Task DeleteSnapshotAsync(Caller caller, string snapshotId, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var snapshot = LoadSnapshot(caller, snapshotId);
            if (snapshot.State == "pending" && snapshot.DirectWriterId == 0)
            {
                throw new Ec2Exception("IncorrectState", $"Snapshot '{snapshotId}' is still being created.");
            }
            if ((LockedAgainstDeletion(snapshot) ?? FastRestoreBlocksDeletion(snapshot)) is { } refused)
            {
                throw refused;
            }
            snapshot.Tombstone = true;
            await _kv.PutAsync(Keys.Snapshot(snapshotId), Json.Encode(snapshot), cancellationToken);
            await CollectTombstonesAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Frees blocks of deleted snapshots that no live manifest and no lazily-loading volume references
    /// (block-volume.md §5.2). A tombstone whose blocks are all free disappears.
    /// </summary>
    private async Task CollectTombstonesAsync(CancellationToken cancellationToken)
    {
        var snapshots = _kv.Scan("ebs/snap/").Select(kv => Json.Decode<SnapshotRecord>(kv.Value)).ToList();
        var tombstones = snapshots.Where(s => s.Tombstone).ToList();
        if (tombstones.Count == 0)
        {
            return;
        }
        // References: manifests of live snapshots, and base manifests of volumes (lazy loading).
        var referenced = new HashSet<(string, long)>();
        var liveManifests = snapshots.Where(s => !s.Tombstone).Select(s => LoadManifest(s.SnapshotId))
            .Concat(_kv.Scan("ebs/volbase/").Select(kv => Manifest.Decode(kv.Value)));
        foreach (var manifest in liveManifests)
        {
            foreach (var (index, holder) in manifest?.Entries ?? [])
            {
                referenced.Add((holder, index));
            }
        }
        foreach (var t in tombstones)
        {
            var manifest = LoadManifest(t.SnapshotId);
            var stillHeld = new Manifest();
            foreach (var (index, holder) in manifest?.Entries ?? [])
            {
                if (holder != t.SnapshotId)
                {
                    continue;
                }
                if (referenced.Contains((t.SnapshotId, index)))
                {
                    stillHeld.Entries[index] = holder;
                }
                else
                {
                    _snapshots.Delete(t.SnapshotId, index);
                }
            }
            // A tombstone's manifest lists only what it still holds, so it keeps no other snapshot's blocks alive.
            await _kv.ApplyAsync(stillHeld.Entries.Count == 0
                ? [new KvMutation(Keys.Snapshot(t.SnapshotId), null), new KvMutation(Keys.Manifest(t.SnapshotId), null)]
                : [new KvMutation(Keys.Manifest(t.SnapshotId), stillHeld.Encode())], cancellationToken);
        }
        await _snapshots.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Same KMS key: the copy shares data key, lineage and holders (nothing is copied). Another key, or
    /// encrypting an unencrypted source: a full copy under a new data key with context naming the new
    /// snapshot (block-volume.md §5.4). Encryption is never removed.
    /// </summary>
    public async Task<string> CopySnapshotAsync(Caller caller, CopySnapshotRequest request, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var source = LoadRestorableSnapshot(caller, request.SourceSnapshotId);
            var shared = source.AccountId != caller.AccountId;
            if (source.State != "completed")
            {
                throw new Ec2Exception("IncorrectState", $"Snapshot '{source.SnapshotId}' is not completed.");
            }
            if (request.Encrypted == false && source.Encrypted)
            {
                throw Ec2Exception.InvalidParameter("Encrypted snapshots cannot be copied unencrypted; the Encrypted parameter cannot be false.");
            }
            var settings = Settings(caller);
            var encrypted = source.Encrypted || request.Encrypted == true || settings.EncryptionByDefault;
            if (request.KmsKeyId is not null && !encrypted)
            {
                throw new Ec2Exception("InvalidParameterDependency", "The parameter KmsKeyId requires the parameter Encrypted to be set.");
            }
            string? keyArn = null;
            if (encrypted)
            {
                keyArn = await ResolveAsync(caller, request.KmsKeyId ?? (source.Encrypted && !shared ? source.KmsKeyArn! : settings.DefaultKmsKeyId ?? AwsManagedEbsAlias), cancellationToken);
            }
            var copyId = AwsIds.New("snap");
            var via = caller.Via(Ec2Service);
            SnapshotRecord copy;
            Manifest manifest;
            var batch = new List<KvMutation>();
            if (!shared && source.Encrypted == encrypted && keyArn == source.KmsKeyArn)
            {
                copy = CloneSnapshot(caller, source, copyId, request, source.WrappedKey, source.KeyContextId, keyArn, source.LineageId, source.Writers);
                manifest = LoadManifest(source.SnapshotId) ?? new Manifest();
            }
            else
            {
                byte[]? wrapped = null;
                if (encrypted)
                {
                    wrapped = await GenerateWrappedKeyAsync(via, keyArn!, copyId, cancellationToken);
                }
                copy = CloneSnapshot(caller, source, copyId, request, wrapped, encrypted ? copyId : null, keyArn, copyId, new Dictionary<uint, string> { [1] = copyId });
                manifest = new Manifest();
                await ReencryptAsync(via, source, copy.WrappedKey, copy.KeyContextId, keyArn, copyId, copy.Writers, 1,
                    (index, record) =>
                    {
                        _snapshots.Write(copyId, index, record);
                        manifest.Entries[index] = copyId;
                        return ValueTask.CompletedTask;
                    }, cancellationToken);
                await _snapshots.FlushAsync(cancellationToken);
                batch.Add(new KvMutation(Keys.Lineage(copyId), [0, 0, 0, 2]));
            }
            batch.Add(new KvMutation(Keys.Manifest(copyId), manifest.Encode()));
            batch.Add(new KvMutation(Keys.Snapshot(copyId), Json.Encode(copy)));
            await _kv.ApplyAsync(batch, cancellationToken);
            return copyId;
        }
        finally
        {
            _gate.Release();
        }
    }

    private SnapshotRecord CloneSnapshot(Caller caller, SnapshotRecord source, string id, CopySnapshotRequest request, byte[]? wrapped, string? contextId, string? keyArn,
        string lineage, Dictionary<uint, string> writers) => new()
        {
            SnapshotId = id,
            // The copy belongs to whoever copied it, also when the source was shared by another account.
            AccountId = caller.AccountId,
            Region = source.Region,
            // AWS reports an arbitrary volume id (vol-ffffffff) for copies.
            VolumeId = "vol-ffffffff",
            VolumeSize = source.VolumeSize,
            State = "completed",
            StartTime = _time.GetUtcNow(),
            CompletionTime = _time.GetUtcNow(),
            // EC2's own description of a copy, as copies made by the API or the console show it (the "Copied for
            // DestinationAmi ..." form is for snapshots copied along with an AMI).
            Description = request.Description ?? $"[Copied {source.SnapshotId} from {source.Region}]",
            Encrypted = keyArn is not null,
            KmsKeyArn = keyArn,
            WrappedKey = wrapped,
            KeyContextId = contextId,
            LineageId = lineage,
            Writers = new Dictionary<uint, string>(writers),
            Tags = [.. request.Tags ?? []],
        };

    /// <summary>Restore under another key (or encrypting an unencrypted snapshot): eager full copy into the volume's own blocks.</summary>
    private async Task CopySnapshotIntoVolumeAsync(Caller via, SnapshotRecord snapshot, VolumeRecord volume, CancellationToken cancellationToken)
    {
        var map = new AllocationMap(_kv, volume.VolumeId);
        await ReencryptAsync(via, snapshot, volume.WrappedKey, volume.KeyContextId, volume.KmsKeyArn, volume.LineageId, volume.Writers, volume.WriterId,
            async (index, record) =>
            {
                await map.EnsureAsync(index, cancellationToken);
                _blocks.Write(volume.VolumeId, index, record);
            }, cancellationToken);
        await _blocks.FlushAsync(cancellationToken);
    }

    /// <summary>Opens every block of <paramref name="source"/> with its key and seals it under the destination key (or stores plaintext).</summary>
    private async Task ReencryptAsync(Caller via, SnapshotRecord source, byte[]? destWrapped, string? destContextId, string? destKeyArn, string destLineage,
        IReadOnlyDictionary<uint, string> destWriters, uint destWriterId, Func<long, byte[], ValueTask> sink, CancellationToken cancellationToken)
    {
        var manifest = LoadManifest(source.SnapshotId) ?? new Manifest();
        (Core.Secrets.SecretBytes Key, BlockCipher Cipher)? from = null;
        (Core.Secrets.SecretBytes Key, BlockCipher Cipher)? to = null;
        try
        {
            if (source.Encrypted)
            {
                from = await OpenCipherAsync(via, source.WrappedKey!, source.KeyContextId!, source.KmsKeyArn!, source.LineageId, source.Writers, cancellationToken);
            }
            if (destWrapped is not null)
            {
                to = await OpenCipherAsync(via, destWrapped, destContextId!, destKeyArn!, destLineage, destWriters, cancellationToken);
            }
            var nonces = to is null ? null : NonceCounter.Open(_kv, destLineage, destWriterId);
            var record = new byte[BlockFormat.EncryptedRecordSize];
            var plain = new byte[BlockFormat.BlockSize];
            foreach (var (index, holder) in manifest.Entries)
            {
                if (!_snapshots.TryRead(holder, index, record, out var length))
                {
                    throw new InvalidDataException($"Snapshot block {holder}/{index} is missing.");
                }
                if (from is { } f)
                {
                    f.Cipher.Open(index, record.AsSpan(0, length), plain);
                }
                else
                {
                    record.AsSpan(0, BlockFormat.BlockSize).CopyTo(plain);
                }
                byte[] output;
                if (to is { } t)
                {
                    output = new byte[BlockFormat.EncryptedRecordSize];
                    t.Cipher.Seal(index, destWriterId, await nonces!.NextAsync(cancellationToken), plain, output);
                }
                else
                {
                    output = plain.ToArray();
                }
                await sink(index, output);
            }
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(plain);
        }
        finally
        {
            from?.Cipher.Dispose();
            from?.Key.Dispose();
            to?.Cipher.Dispose();
            to?.Key.Dispose();
        }
    }

    internal static SnapshotInfo ToInfo(SnapshotRecord s) => new(
        s.SnapshotId, s.VolumeId, s.VolumeSize, s.State, s.State == "completed" ? "100%" : "0%", s.StartTime, s.CompletionTime, s.Description,
        s.AccountId, s.Encrypted, s.KmsKeyArn, s.LineageId, s.StateMessage, s.Tags);
}
