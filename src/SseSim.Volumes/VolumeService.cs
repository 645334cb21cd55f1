using System.Buffers.Binary;
using SseSim.Core.Aws;
using SseSim.Core.Crypto;
using SseSim.Core.Keys;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Core.Tracing;
using SseSim.Nbd;
using SseSim.Volumes.Blocks;
using SseSim.Volumes.Snapshots;

namespace SseSim.Volumes;

/// <summary>
/// The EBS domain: volumes, instances, attachments, snapshots and the EBS key flow
/// (shared/reference/ebs.md §1.2, block-volume.md). Protocol-free: the EC2 Query and EBS direct API
/// layers call it and map <see cref="Ec2Exception"/> to their error shapes.
/// </summary>
public sealed partial class VolumeService : IAsyncDisposable
{
    internal const string Ec2Service = "ec2.amazonaws.com";
    internal const string EbsContextKey = "aws:ebs:id";
    internal const string AwsManagedEbsAlias = "alias/aws/ebs";

    private readonly IKeyValueStore _kv;
    private readonly IBlockStore _blocks;
    private readonly ISnapshotBlockStore _snapshots;
    private readonly IDataKeyService _keys;
    private readonly TimeProvider _time;
    private readonly VolumeServiceOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _runtimeLock = new();
    private readonly Dictionary<string, VolumeRuntime> _runtimes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _snapshotTasks = new(StringComparer.Ordinal);

    public VolumeService(IKeyValueStore metadata, IBlockStore blocks, ISnapshotBlockStore snapshots, IDataKeyService keys, TimeProvider time, VolumeServiceOptions? options = null)
    {
        _kv = metadata;
        _blocks = blocks;
        _snapshots = snapshots;
        _keys = keys;
        _time = time;
        _options = options ?? new VolumeServiceOptions();
        Exports = new VolumeExportProvider(this);
        Metrics = new VolumeMetrics(_options.Meters, () => AttachedVolumeIds().Count, ResidentKeyCount);
    }

    public VolumeMetrics Metrics { get; }

    /// <summary>Attached volumes, by volume id, for <see cref="NbdServer"/>.</summary>
    public INbdExportProvider Exports { get; }

    /// <summary>
    /// Reconciles metadata after a restart. Plaintext volume keys lived in memory only, so the restart is an instance
    /// retirement, as AWS does it for EBS-backed instances: every running instance is now stopped (Server.ScheduledStop),
    /// its volumes stay attached with their grants, and StartInstances decrypts their keys again. A volume attached to
    /// an instance that no longer exists becomes available. Snapshots left pending by a crash are marked error.
    /// </summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        var (batch, live) = RetireRunningInstances();
        foreach (var (key, value) in _kv.Scan("ebs/vol/"))
        {
            var v = Json.Decode<VolumeRecord>(value);
            if (v.Attachment is not null && !live.Contains(v.Attachment.InstanceId))
            {
                v.Attachment = null;
                v.State = "available";
                batch.Add(new KvMutation(key, Json.Encode(v)));
            }
        }
        foreach (var (key, value) in _kv.Scan("ebs/snap/"))
        {
            var s = Json.Decode<SnapshotRecord>(value);
            if (s.State == "pending")
            {
                // Copy tasks and direct-API sessions (with their keys) live in memory only.
                s.State = "error";
                s.StateMessage = "The server stopped while the snapshot was pending.";
                batch.Add(new KvMutation(key, Json.Encode(s)));
            }
        }
        if (batch.Count > 0)
        {
            await _kv.ApplyAsync(batch, cancellationToken);
        }
    }

    /// <summary>
    /// Marks every running instance stopped by a scheduled retirement (its host, this process, is going or gone);
    /// returns those mutations and the ids of the instances that still exist.
    /// </summary>
    private (List<KvMutation> Batch, HashSet<string> Live) RetireRunningInstances()
    {
        var batch = new List<KvMutation>();
        var live = new HashSet<string>(StringComparer.Ordinal);
        var now = _time.GetUtcNow();
        foreach (var (key, value) in _kv.Scan("ebs/inst/"))
        {
            var i = Json.Decode<InstanceRecord>(value);
            if (i.State is "pending" or "running" or "stopping")
            {
                i.State = "stopped";
                i.StateTransitionReason = $"Service initiated ({GmtTime(now)} GMT)";
                i.StateReasonCode = "Server.ScheduledStop";
                i.StateReasonMessage = "Server.ScheduledStop: Stopped due to scheduled retirement";
                batch.Add(new KvMutation(key, Json.Encode(i)));
            }
            if (i.State is not ("terminated" or "shutting-down"))
            {
                live.Add(i.InstanceId);
            }
        }
        return (batch, live);
    }

    // ---- Encryption by default (per account and Region) ----

    public Task<bool> GetEbsEncryptionByDefaultAsync(Caller caller) => Task.FromResult(Settings(caller).EncryptionByDefault);

    public Task<bool> EnableEbsEncryptionByDefaultAsync(Caller caller, CancellationToken cancellationToken = default) => SetEncryptionByDefaultAsync(caller, true, cancellationToken);

    public Task<bool> DisableEbsEncryptionByDefaultAsync(Caller caller, CancellationToken cancellationToken = default) => SetEncryptionByDefaultAsync(caller, false, cancellationToken);

    private async Task<bool> SetEncryptionByDefaultAsync(Caller caller, bool value, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var s = Settings(caller);
            s.EncryptionByDefault = value;
            await _kv.PutAsync(Keys.Account(caller.AccountId, caller.Region), Json.Encode(s), cancellationToken);
            return value;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The key ARN new encrypted volumes use when no KmsKeyId is given.</summary>
    /// <summary>
    /// The customer default's key ARN, or the bare alias <c>alias/aws/ebs</c> while the AWS-managed key is the default:
    /// that is what EC2 answers (aws CLI example for get-ebs-default-kms-key-id), and a read creates no key.
    /// </summary>
    public Task<string> GetEbsDefaultKmsKeyIdAsync(Caller caller, CancellationToken cancellationToken = default) =>
        Task.FromResult(Settings(caller).DefaultKmsKeyId ?? AwsManagedEbsAlias);

    public async Task<string> ModifyEbsDefaultKmsKeyIdAsync(Caller caller, string kmsKeyId, CancellationToken cancellationToken = default)
    {
        var arn = await ResolveAsync(caller, kmsKeyId, cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var s = Settings(caller);
            s.DefaultKmsKeyId = arn;
            await _kv.PutAsync(Keys.Account(caller.AccountId, caller.Region), Json.Encode(s), cancellationToken);
            return arn;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<string> ResetEbsDefaultKmsKeyIdAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var s = Settings(caller);
            s.DefaultKmsKeyId = null;
            await _kv.PutAsync(Keys.Account(caller.AccountId, caller.Region), Json.Encode(s), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
        return await ResolveAsync(caller, AwsManagedEbsAlias, cancellationToken);
    }

    private AccountSettings Settings(Caller caller) =>
        _kv.TryGet(Keys.Account(caller.AccountId, caller.Region), out var v) ? Json.Decode<AccountSettings>(v) : new AccountSettings();

    private async Task<string> ResolveAsync(Caller caller, string keyId, CancellationToken cancellationToken)
    {
        try
        {
            return await _keys.ResolveKeyArnAsync(caller.Via(Ec2Service), keyId, cancellationToken);
        }
        catch (KeyServiceException e)
        {
            throw Ec2Exception.FromKms(e);
        }
    }

    // ---- Volumes ----

    public Task<VolumeInfo> CreateVolumeAsync(Caller caller, CreateVolumeRequest request, CancellationToken cancellationToken = default) =>
        CreateVolumeAsync(caller, request, sourceVolumeId: null, cancellationToken);

    /// <param name="sourceVolumeId">Set for a CopyVolumes copy: it names its source instead of the snapshot it is built on.</param>
    private async Task<VolumeInfo> CreateVolumeAsync(Caller caller, CreateVolumeRequest request, string? sourceVolumeId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.AvailabilityZone))
        {
            throw new Ec2Exception("MissingParameter", "The request must contain the parameter AvailabilityZone.");
        }
        // AWS names a missing size/snapshot before it looks at the zone (LocalStack test_ec2.py::test_raise_create_volume_without_size).
        if (request.Size is null && request.SnapshotId is null)
        {
            throw NoSizeOrSnapshot();
        }
        AvailabilityZones.Require(caller.Region, request.AvailabilityZone);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var settings = Settings(caller);
            var (snapshot, size, type, iops, throughput, encrypted) = CheckNewVolume(caller, settings, request, launchDevice: null);

            var volumeId = AwsIds.New("vol");
            TraceRequest(caller, "CreateVolume", volumeId, encrypted ? ", encrypted" : ", unencrypted");
            var via = caller.Via(Ec2Service);
            string? keyArn = null;
            byte[]? wrapped = null;
            string? keyContextId = null;
            string lineage = volumeId;
            uint writerId = 1;
            Dictionary<uint, string> writers;
            string? baseSnapshotId = null;
            var needsCopy = false;
            // Another account's snapshot is always copied under the caller's own data key (its default EBS key unless
            // one is named): the caller's KMS access to the owner's key is checked by the Decrypt that copy makes.
            var shared = snapshot is not null && snapshot.AccountId != caller.AccountId;
            if (encrypted)
            {
                keyArn = await ResolveAsync(caller, request.KmsKeyId ?? (snapshot?.Encrypted == true && !shared ? snapshot.KmsKeyArn! : settings.DefaultKmsKeyId ?? AwsManagedEbsAlias), cancellationToken);
            }
            if (snapshot is not null && !shared && snapshot.Encrypted == encrypted && (!encrypted || keyArn == snapshot.KmsKeyArn))
            {
                // Same key (or both unencrypted): share the snapshot's data key and lineage, load lazily (block-volume.md §5.4).
                wrapped = snapshot.WrappedKey;
                keyContextId = snapshot.KeyContextId;
                lineage = snapshot.LineageId;
                writerId = await AllocateWriterAsync(lineage, cancellationToken);
                writers = new Dictionary<uint, string>(snapshot.Writers) { [writerId] = volumeId };
                baseSnapshotId = snapshot.SnapshotId;
            }
            else
            {
                writers = new Dictionary<uint, string> { [1] = volumeId };
                needsCopy = snapshot is not null;
                if (encrypted)
                {
                    keyContextId = volumeId;
                    wrapped = await GenerateWrappedKeyAsync(via, keyArn!, volumeId, cancellationToken);
                }
            }

            var volume = new VolumeRecord
            {
                VolumeId = volumeId,
                AccountId = caller.AccountId,
                Region = caller.Region,
                AvailabilityZone = request.AvailabilityZone,
                Size = size,
                VolumeType = type,
                Iops = iops,
                Throughput = throughput,
                Encrypted = encrypted,
                KmsKeyArn = keyArn,
                WrappedKey = wrapped,
                KeyContextId = keyContextId,
                LineageId = lineage,
                WriterId = writerId,
                Writers = writers,
                SnapshotId = sourceVolumeId is null ? snapshot?.SnapshotId : null,
                SourceVolumeId = sourceVolumeId,
                FastRestored = snapshot is not null && FastRestoredIn(snapshot, request.AvailabilityZone) ? true : null,
                BaseSnapshotId = baseSnapshotId,
                LastSnapshotId = baseSnapshotId,
                State = "available",
                CreateTime = _time.GetUtcNow(),
                Tags = [.. request.Tags ?? []],
            };
            if (needsCopy)
            {
                await CopySnapshotIntoVolumeAsync(via, snapshot!, volume, cancellationToken);
            }
            var mutations = new List<KvMutation> { new(Keys.Volume(volumeId), Json.Encode(volume)) };
            if (baseSnapshotId is null)
            {
                mutations.Add(new KvMutation(Keys.Lineage(lineage), WriterCounter(2)));
            }
            else
            {
                mutations.Add(new KvMutation(Keys.VolumeBase(volumeId), (LoadManifest(baseSnapshotId) ?? new Manifest()).Encode()));
            }
            await _kv.ApplyAsync(mutations, cancellationToken);
            Tracer.Current?.Add("ebs:created", encrypted
                ? "only the wrapped data key is stored with the volume; no plaintext key exists until attach"
                : "unencrypted volume: no data key");
            return ToInfo(volume) with { State = "creating" };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// A new volume's checks before anything is made (CreateVolume, and each RunInstances block device): its snapshot
    /// restorable and completed, its size (<paramref name="noSize"/> when neither size nor snapshot gives one), its
    /// type's limits, and a KmsKeyId only for an encrypted volume.
    /// </summary>
    private static Ec2Exception NoSizeOrSnapshot() => new("MissingParameter", "The request must contain the parameter size/snapshot");

    /// <summary>CreateVolume's checks; for a RunInstances block device (<paramref name="launchDevice"/>) a missing or too small size is InvalidBlockDeviceMapping.</summary>
    private (SnapshotRecord? Snapshot, int Size, string Type, int? Iops, int? Throughput, bool Encrypted) CheckNewVolume(
        Caller caller, AccountSettings settings, CreateVolumeRequest request, string? launchDevice)
    {
        SnapshotRecord? snapshot = null;
        if (request.SnapshotId is not null)
        {
            snapshot = LoadRestorableSnapshot(caller, request.SnapshotId);
            if (snapshot.State != "completed")
            {
                throw new Ec2Exception("IncorrectState", $"Snapshot '{snapshot.SnapshotId}' is not completed (state: {snapshot.State}).");
            }
        }
        var size = request.Size ?? snapshot?.VolumeSize ?? throw (launchDevice is null ? NoSizeOrSnapshot()
            : new Ec2Exception("InvalidBlockDeviceMapping", $"The block device mapping for '{launchDevice}' must specify a volume size or a snapshot id."));
        if (snapshot is not null && size < snapshot.VolumeSize && launchDevice is not null)
        {
            // AWS's wording, double space included.
            throw new Ec2Exception("InvalidBlockDeviceMapping", $"Volume of size {size}GB is smaller than  snapshot '{snapshot.SnapshotId}', expect size >= {snapshot.VolumeSize}GB");
        }
        if (snapshot is not null && size < snapshot.VolumeSize)
        {
            throw Ec2Exception.InvalidParameter($"Volume of {size}GiB is too small; minimum is {snapshot.VolumeSize}GiB (the snapshot size).");
        }
        var type = request.VolumeType ?? "gp2";
        var (iops, throughput) = VolumeTypes.Validate(type, size, request.Iops, request.Throughput);
        // Encryption is never removed: an encrypted snapshot always gives an encrypted volume.
        var encrypted = request.Encrypted == true || settings.EncryptionByDefault || snapshot?.Encrypted == true;
        if (request.KmsKeyId is not null && !encrypted)
        {
            throw new Ec2Exception("InvalidParameterDependency", "The parameter KmsKeyId requires the parameter Encrypted to be set.");
        }
        return (snapshot, size, type, iops, throughput, encrypted);
    }

    public IReadOnlyList<VolumeInfo> DescribeVolumes(Caller caller, IReadOnlyList<string>? volumeIds = null, Filters? filters = null)
    {
        var all = CallerVolumes(caller);
        if (volumeIds is { Count: > 0 })
        {
            foreach (var id in volumeIds)
            {
                AwsIds.RequireVolumeId(id);
            }
            var missing = volumeIds.FirstOrDefault(id => all.All(v => v.VolumeId != id));
            if (missing is not null)
            {
                throw Ec2Exception.VolumeNotFound(missing);
            }
            all = [.. all.Where(v => volumeIds.Contains(v.VolumeId))];
        }
        return [.. all.Where(v => FilterMatch.All(filters, name => VolumeField(v, name))).Select(ToInfo)];
    }

    private static IEnumerable<string> VolumeField(VolumeRecord v, string name) => name switch
    {
        "volume-id" => [v.VolumeId],
        "status" => [v.State],
        "size" => [v.Size.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        "volume-type" => [v.VolumeType],
        "encrypted" => [v.Encrypted ? "true" : "false"],
        "availability-zone" => [v.AvailabilityZone],
        "snapshot-id" => v.SnapshotId is null ? [] : [v.SnapshotId],
        "attachment.instance-id" => v.Attachment is null ? [] : [v.Attachment.InstanceId],
        "attachment.status" => v.Attachment is null ? [] : [v.Attachment.State],
        "attachment.device" => v.Attachment is null ? [] : [v.Attachment.Device],
        "attachment.attach-time" => v.Attachment is null ? [] : [FilterTime(v.Attachment.AttachTime)],
        "attachment.delete-on-termination" => v.Attachment is null ? [] : [v.Attachment.DeleteOnTermination ? "true" : "false"],
        "availability-zone-id" => AvailabilityZones.IdOf(v.Region, v.AvailabilityZone) is { } zoneId ? [zoneId] : [],
        "create-time" => [FilterTime(v.CreateTime)],
        // Documented filters for what SseSim never has: fast snapshot restore, Multi-Attach, managed volumes.
        "fast-restored" or "multi-attach-enabled" or "operator.managed" => ["false"],
        "operator.principal" => [],
        "tag-key" => v.Tags.Select(t => t.Key),
        _ when name.StartsWith("tag:", StringComparison.Ordinal) => v.Tags.Where(t => t.Key == name[4..]).Select(t => t.Value),
        _ => throw Ec2Exception.InvalidFilter(name),
    };

    /// <summary>A time as DescribeVolumes/DescribeSnapshots answer it, which is what their time filters match.</summary>
    internal static string FilterTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public async Task DeleteVolumeAsync(Caller caller, string volumeId, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var volume = LoadVolume(caller, volumeId);
            if (volume.Attachment is not null)
            {
                throw new Ec2Exception("VolumeInUse", $"Volume {volumeId} is currently attached to {volume.Attachment.InstanceId}");
            }
            await DeleteVolumeDataAsync(volume, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task DeleteVolumeDataAsync(VolumeRecord volume, CancellationToken cancellationToken)
    {
        // A snapshot still copying from this volume needs its blocks. Wait for the copy only: the
        // snapshot's commit needs _gate, which the caller holds.
        var runtime = Runtime(volume);
        PendingCopy[] copying;
        lock (runtime.Gate)
        {
            copying = [.. runtime.Pending];
        }
        foreach (var copy in copying)
        {
            await copy.Copied.Task;
        }
        foreach (var index in runtime.Map.Snapshot())
        {
            _blocks.Delete(volume.VolumeId, index);
        }
        await _blocks.FlushAsync(cancellationToken);
        var batch = runtime.Map.DeleteAll().ToList();
        batch.Add(new KvMutation(NonceCounter.KeyFor(volume.LineageId, volume.WriterId), null));
        batch.Add(new KvMutation(Keys.Volume(volume.VolumeId), null));
        batch.Add(new KvMutation(Keys.VolumeBase(volume.VolumeId), null));
        await _kv.ApplyAsync(batch, cancellationToken);
        lock (_runtimeLock)
        {
            _runtimes.Remove(volume.VolumeId);
        }
        await CollectTombstonesAsync(cancellationToken);
    }

    /// <summary>Grow-only size change, type/IOPS/throughput change with the same validation as create.</summary>
    public async Task<VolumeModificationInfo> ModifyVolumeAsync(Caller caller, ModifyVolumeRequest request, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var v = LoadVolume(caller, request.VolumeId);
            var size = request.Size ?? v.Size;
            if (size < v.Size)
            {
                throw Ec2Exception.InvalidParameter("New size cannot be smaller than existing size");
            }
            var type = request.VolumeType ?? v.VolumeType;
            var keepIops = type == v.VolumeType && type is "gp3" or "io1" or "io2";
            var (iops, throughput) = VolumeTypes.Validate(type, size, request.Iops ?? (keepIops ? v.Iops : null), request.Throughput ?? (type == "gp3" && v.VolumeType == "gp3" ? v.Throughput : null));
            var now = _time.GetUtcNow();
            var info = new VolumeModificationInfo(v.VolumeId, "modifying", v.Size, size, v.VolumeType, type, v.Iops, iops, v.Throughput, throughput, now);
            (v.Size, v.VolumeType, v.Iops, v.Throughput) = (size, type, iops, throughput);
            // The change applies at once here, so the recorded modification is already complete.
            v.LastModification = info with { ModificationState = "completed", EndTime = now };
            await _kv.PutAsync(Keys.Volume(v.VolumeId), Json.Encode(v), cancellationToken);
            if (Runtime(v).Device is { } device)
            {
                device.Size = (long)size << 30;
            }
            return info;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// DescribeVolumesModifications: the latest modification of each volume that has one; a named volume without one
    /// is InvalidVolumeModification.NotFound, as EC2 answers.
    /// </summary>
    public IReadOnlyList<VolumeModificationInfo> DescribeVolumesModifications(Caller caller, IReadOnlyList<string>? volumeIds, Filters? filters)
    {
        var volumes = CallerVolumes(caller);
        if (volumeIds is { Count: > 0 })
        {
            foreach (var id in volumeIds)
            {
                AwsIds.RequireVolumeId(id);
                var v = volumes.FirstOrDefault(v => v.VolumeId == id) ?? throw Ec2Exception.VolumeNotFound(id);
                if (v.LastModification is null)
                {
                    throw new Ec2Exception("InvalidVolumeModification.NotFound", $"Modification for volume '{id}' does not exist.");
                }
            }
            volumes = [.. volumes.Where(v => volumeIds.Contains(v.VolumeId))];
        }
        static IEnumerable<string> Number(int? n) => n is null ? [] : [n.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        return [.. volumes.Select(v => v.LastModification).OfType<VolumeModificationInfo>().Where(m => FilterMatch.All(filters, name => name switch
        {
            "volume-id" => [m.VolumeId],
            "modification-state" => [m.ModificationState],
            "original-size" => Number(m.OriginalSize),
            "target-size" => Number(m.TargetSize),
            "original-volume-type" => [m.OriginalVolumeType],
            "target-volume-type" => [m.TargetVolumeType],
            "original-iops" => Number(m.OriginalIops),
            "target-iops" => Number(m.TargetIops),
            "originalMultiAttachEnabled" or "targetMultiAttachEnabled" => ["false"],
            "start-time" => [FilterTime(m.StartTime)],
            _ => throw Ec2Exception.InvalidFilter(name),
        }))];
    }

    // ---- Attach / detach: the EBS key flow (shared/reference/ebs.md §1.2) ----

    public Task<VolumeAttachmentInfo> AttachVolumeAsync(Caller caller, string volumeId, string instanceId, string device, CancellationToken cancellationToken = default) =>
        AttachVolumeAsync(caller, volumeId, instanceId, device, deleteOnTermination: false, cancellationToken);

    private async Task<VolumeAttachmentInfo> AttachVolumeAsync(Caller caller, string volumeId, string instanceId, string device, bool deleteOnTermination, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var volume = LoadVolume(caller, volumeId);
            var instance = LoadInstance(caller, instanceId);
            if (volume.Attachment is not null)
            {
                throw new Ec2Exception("VolumeInUse", $"{volumeId} is already attached to an instance");
            }
            if (volume.State != "available")
            {
                throw new Ec2Exception("IncorrectState", $"{volumeId} is not 'available'.");
            }
            if (instance.State is not ("running" or "stopped"))
            {
                throw new Ec2Exception("IncorrectInstanceState", $"The instance '{instanceId}' is not in the 'running' or 'stopped' state.");
            }
            if (instance.AvailabilityZone != volume.AvailabilityZone)
            {
                throw new Ec2Exception("InvalidVolume.ZoneMismatch", $"The volume '{volumeId}' is not in the same availability zone as instance '{instanceId}'");
            }
            if (string.IsNullOrEmpty(device))
            {
                throw new Ec2Exception("MissingParameter", "The request must contain the parameter device.");
            }
            if (VolumesOf(instance.InstanceId).Any(v => v.Attachment!.Device == device))
            {
                throw Ec2Exception.InvalidParameter($"Invalid value '{device}' for unixDevice. Attachment point {device} is already in use");
            }

            TraceRequest(caller, "AttachVolume", volumeId, $" to {instanceId} at {device}");
            var via = caller.Via(Ec2Service);
            string? grantId = null;
            string? grantToken = null;
            if (volume.Encrypted)
            {
                try
                {
                    (grantId, grantToken) = await _keys.CreateGrantAsync(via, volume.KmsKeyArn!, InstancePrincipal(caller, instanceId), ["Decrypt"],
                        VolumeContext(volume), $"arn:aws:iam::{caller.AccountId}:root", cancellationToken);
                }
                catch (KeyServiceException e)
                {
                    throw Ec2Exception.FromKms(e);
                }
            }
            // A stopped instance gets the attachment and the grant; its host decrypts the key when it starts.
            VolumeDevice? opened = null;
            if (instance.State == "running")
            {
                try
                {
                    opened = await OpenDeviceAsync(caller, volume, grantToken is null ? [] : [grantToken], cancellationToken);
                }
                catch (KeyServiceException e)
                {
                    await TryRetireGrantAsync(via, volume.KmsKeyArn!, grantId!, cancellationToken);
                    throw Ec2Exception.FromKms(e);
                }
            }
            var now = _time.GetUtcNow();
            volume.Attachment = new AttachmentRecord { InstanceId = instanceId, Device = device, State = "attached", AttachTime = now, GrantId = grantId, DeleteOnTermination = deleteOnTermination };
            volume.State = "in-use";
            try
            {
                await _kv.PutAsync(Keys.Volume(volumeId), Json.Encode(volume), cancellationToken);
            }
            catch
            {
                opened?.Close();
                throw;
            }
            if (opened is not null)
            {
                Publish(volume, opened);
            }
            return new VolumeAttachmentInfo(volumeId, instanceId, device, "attaching", now, deleteOnTermination);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static EncryptionContext VolumeContext(VolumeRecord volume) => EncryptionContext.From([new(EbsContextKey, volume.KeyContextId!)]);

    /// <summary>
    /// The host side of an attachment to a running instance: decrypts the volume's data key (encrypted volumes; EC2 as
    /// the caller's service, with the attachment's grant) and opens its device. Nothing is published until <see cref="Publish"/>.
    /// </summary>
    /// <exception cref="KeyServiceException">KMS refused the Decrypt; nothing is left open.</exception>
    private async Task<VolumeDevice> OpenDeviceAsync(Caller caller, VolumeRecord volume, IReadOnlyList<string> grantTokens, CancellationToken cancellationToken)
    {
        SecretBytes? dataKey = null;
        BlockCipher? cipher = null;
        NonceCounter? nonces = null;
        if (volume.Encrypted)
        {
            dataKey = await _keys.DecryptAsync(caller.Via(Ec2Service), volume.WrappedKey!, VolumeContext(volume), volume.KmsKeyArn, grantTokens, cancellationToken);
            cipher = new BlockCipher(dataKey, volume.LineageId, volume.Writers);
            nonces = NonceCounter.Open(_kv, volume.LineageId, volume.WriterId);
        }
        var limiter = _options.EnforceVolumeLimits ? CreateLimiter(volume) : null;
        return new VolumeDevice(Runtime(volume), (long)volume.Size << 30, _blocks, _snapshots, dataKey, cipher, nonces, volume.WriterId, limiter)
        {
            IoLatency = _options.IoLatency,
            Metrics = Metrics,
        };
    }

    /// <summary>Makes an opened device the volume's NBD export.</summary>
    private void Publish(VolumeRecord volume, VolumeDevice opened)
    {
        Runtime(volume).Device = opened;
        Tracer.Current?.Add(opened.DataKey is null ? "nbd:export" : "key:in-memory", opened.DataKey is null
            ? $"NBD export '{volume.VolumeId}' opened (unencrypted volume)"
            : $"256-bit volume data key held in memory while attached; NBD export '{volume.VolumeId}' opened, blocks sealed with AES-256-GCM");
    }

    /// <summary>Closes the volume's export, if open, zeroing its data key; the attachment itself stays.</summary>
    private void CloseDevice(VolumeRecord volume) => CloseDevice(Runtime(volume));

    private static void CloseDevice(VolumeRuntime runtime)
    {
        if (runtime.Device is { } opened)
        {
            var hadKey = opened.DataKey is not null;
            opened.Close();
            runtime.Device = null;
            Tracer.Current?.Add(hadKey ? "key:zeroed" : "nbd:closed", hadKey ? $"NBD export '{runtime.VolumeId}' closed; volume data key zeroed in memory" : $"NBD export '{runtime.VolumeId}' closed");
        }
    }

    private VolumeLimiter CreateLimiter(VolumeRecord v)
    {
        var (iops, mibps) = VolumeTypes.Baseline(v.VolumeType, v.Size, v.Iops, v.Throughput);
        return new VolumeLimiter(iops, mibps, _time);
    }

    public async Task<VolumeAttachmentInfo> DetachVolumeAsync(Caller caller, string volumeId, string? instanceId = null, string? device = null, bool force = false, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var volume = LoadVolume(caller, volumeId);
            if (volume.Attachment is null)
            {
                throw new Ec2Exception("IncorrectState", $"Volume '{volumeId}' is in the 'available' state.");
            }
            if ((instanceId is not null && instanceId != volume.Attachment.InstanceId) || (device is not null && device != volume.Attachment.Device))
            {
                throw new Ec2Exception("InvalidAttachment.NotFound", $"Volume '{volumeId}' is not attached to '{instanceId ?? device}'.");
            }
            // Force only changes how a guest would see it; here both paths drop connections and zero the key.
            _ = force;
            TraceRequest(caller, "DetachVolume", volumeId, $" from {volume.Attachment.InstanceId}");
            return await DetachLockedAsync(caller, volume, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<VolumeAttachmentInfo> DetachLockedAsync(Caller caller, VolumeRecord volume, CancellationToken cancellationToken)
    {
        var attachment = volume.Attachment!;
        CloseDevice(volume);
        await _blocks.FlushAsync(cancellationToken);
        if (attachment.GrantId is not null)
        {
            await TryRetireGrantAsync(caller.Via(Ec2Service), volume.KmsKeyArn!, attachment.GrantId, cancellationToken);
        }
        volume.Attachment = null;
        volume.State = "available";
        await _kv.PutAsync(Keys.Volume(volume.VolumeId), Json.Encode(volume), cancellationToken);
        return new VolumeAttachmentInfo(volume.VolumeId, attachment.InstanceId, attachment.Device, "detaching", attachment.AttachTime, attachment.DeleteOnTermination);
    }

    private async Task TryRetireGrantAsync(Caller via, string keyArn, string grantId, CancellationToken cancellationToken)
    {
        try
        {
            await _keys.RetireGrantAsync(via, keyArn, grantId, cancellationToken);
        }
        catch (KeyServiceException)
        {
            // The key may be disabled or gone by now; the data key is already zeroed, which is what matters.
        }
    }

    internal static string InstancePrincipal(Caller caller, string instanceId) =>
        $"arn:aws:sts::{caller.AccountId}:assumed-role/aws:ec2-infrastructure/{instanceId}";

    /// <summary>
    /// Server stop: every export closes and every plaintext key is zeroed; running instances are retired (stopped,
    /// attachments and grants kept), as after a crash, so StartInstances brings them back either way.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        foreach (var task in _snapshotTasks.Values.ToArray())
        {
            await task;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            VolumeRuntime[] open;
            lock (_runtimeLock)
            {
                open = [.. _runtimes.Values.Where(r => r.Device is not null)];
            }
            foreach (var runtime in open)
            {
                CloseDevice(runtime);
            }
            await _blocks.FlushAsync(cancellationToken);
            var (batch, _) = RetireRunningInstances();
            if (batch.Count > 0)
            {
                await _kv.ApplyAsync(batch, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    // ---- Instances (minimal) ----

    public IReadOnlyList<InstanceInfo> DescribeInstances(Caller caller, IReadOnlyList<string>? instanceIds = null, Filters? filters = null)
    {
        var all = _kv.Scan("ebs/inst/").Select(kv => Json.Decode<InstanceRecord>(kv.Value)).Where(i => i.AccountId == caller.AccountId).ToList();
        if (instanceIds is { Count: > 0 })
        {
            foreach (var id in instanceIds)
            {
                AwsIds.RequireInstanceId(id);
            }
            var missing = instanceIds.FirstOrDefault(id => all.All(i => i.InstanceId != id));
            if (missing is not null)
            {
                throw Ec2Exception.InstanceNotFound(missing);
            }
            all = [.. all.Where(i => instanceIds.Contains(i.InstanceId))];
        }
        return [.. all.Where(i => FilterMatch.All(filters, name => name switch
        {
            "instance-id" => [i.InstanceId],
            "instance-state-name" => [i.State],
            "availability-zone" => [i.AvailabilityZone],
            "image-id" => i.ImageId is null ? [] : [i.ImageId],
            "instance-type" => [i.InstanceType],
            _ when name.StartsWith("tag:", StringComparison.Ordinal) => i.Tags.Where(t => t.Key == name[4..]).Select(t => t.Value),
            _ => throw Ec2Exception.InvalidFilter(name),
        })).Select(ToInfo)];
    }

    /// <summary>Terminating detaches every volume (key zeroed, grant retired) and deletes those marked DeleteOnTermination.</summary>
    public async Task<IReadOnlyList<InstanceStateChange>> TerminateInstancesAsync(Caller caller, IReadOnlyList<string> instanceIds, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var instances = instanceIds.Select(id => LoadInstance(caller, id)).ToList();
            if (instances.FirstOrDefault(i => i.Attributes?.DisableApiTermination == true && i.State != "terminated") is { } protectedInstance)
            {
                throw new Ec2Exception("OperationNotPermitted", $"The instance '{protectedInstance.InstanceId}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.");
            }
            var changes = new List<InstanceStateChange>();
            foreach (var instance in instances)
            {
                var previous = instance.State;
                await TerminateLockedAsync(caller, instance, v => v.Attachment!.DeleteOnTermination, cancellationToken);
                changes.Add(new InstanceStateChange(instance.InstanceId, previous, previous == "terminated" ? "terminated" : "shutting-down"));
            }
            return changes;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task TerminateLockedAsync(Caller caller, InstanceRecord instance, Func<VolumeRecord, bool> deleteVolume, CancellationToken cancellationToken)
    {
        foreach (var volume in VolumesOf(instance.InstanceId))
        {
            var delete = deleteVolume(volume);
            await DetachLockedAsync(caller, volume, cancellationToken);
            if (delete)
            {
                await DeleteVolumeDataAsync(volume, cancellationToken);
            }
        }
        instance.State = "terminated";
        await _kv.PutAsync(Keys.Instance(instance.InstanceId), Json.Encode(instance), cancellationToken);
    }

    /// <summary>
    /// StopInstances: the volumes stay attached, but no host holds their plaintext data keys any more, so each export
    /// closes and its key is zeroed (the grant stays for the next start). A stopped or stopping instance reports no change.
    /// </summary>
    public async Task<IReadOnlyList<InstanceStateChange>> StopInstancesAsync(Caller caller, IReadOnlyList<string> instanceIds, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var instances = instanceIds.Select(id => LoadInstance(caller, id)).ToList();
            if (instances.FirstOrDefault(i => i.State is "terminated" or "shutting-down") is { } gone)
            {
                throw new Ec2Exception("IncorrectInstanceState", $"This instance '{gone.InstanceId}' is not in a state from which it can be stopped.");
            }
            if (instances.FirstOrDefault(i => i.Attributes?.DisableApiStop == true && i.State == "running") is { } protectedInstance)
            {
                throw new Ec2Exception("OperationNotPermitted", $"The instance '{protectedInstance.InstanceId}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.");
            }
            var changes = new List<InstanceStateChange>();
            foreach (var instance in instances)
            {
                var previous = instance.State;
                if (previous == "running")
                {
                    foreach (var volume in VolumesOf(instance.InstanceId))
                    {
                        CloseDevice(volume);
                    }
                    await _blocks.FlushAsync(cancellationToken);
                    instance.State = "stopped";
                    instance.StateTransitionReason = $"User initiated ({GmtTime(_time.GetUtcNow())} GMT)";
                    instance.StateReasonCode = "Client.UserInitiatedShutdown";
                    instance.StateReasonMessage = "Client.UserInitiatedShutdown: User initiated shutdown";
                    await _kv.PutAsync(Keys.Instance(instance.InstanceId), Json.Encode(instance), cancellationToken);
                }
                changes.Add(new InstanceStateChange(instance.InstanceId, previous, previous == "running" ? "stopping" : previous));
            }
            return changes;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>RebootInstances: succeeds when every instance exists and is the caller's (a terminated one is ignored, as on AWS).</summary>
    public void RebootInstances(Caller caller, IReadOnlyList<string> instanceIds)
    {
        foreach (var id in instanceIds)
        {
            LoadInstance(caller, id);
        }
    }

    /// <summary>
    /// StartInstances: the new host decrypts every attached encrypted volume's data key again (EC2 as the caller's
    /// service, under the attachment's grant). If KMS refuses one (a disabled or deleted key), the instance does not
    /// start: it stays stopped with EC2's stateReason Client.InternalError, as on AWS, and the call itself succeeds.
    /// </summary>
    public async Task<IReadOnlyList<InstanceStateChange>> StartInstancesAsync(Caller caller, IReadOnlyList<string> instanceIds, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var instances = instanceIds.Select(id => LoadInstance(caller, id)).ToList();
            if (instances.FirstOrDefault(i => i.State is "terminated" or "shutting-down") is { } gone)
            {
                throw new Ec2Exception("IncorrectInstanceState", $"This instance '{gone.InstanceId}' is not in a state from which it can be started.");
            }
            var changes = new List<InstanceStateChange>();
            foreach (var instance in instances)
            {
                var previous = instance.State;
                if (previous == "stopped")
                {
                    var volumes = VolumesOf(instance.InstanceId).ToList();
                    var opened = new List<(VolumeRecord Volume, VolumeDevice Device)>();
                    KeyServiceException? refused = null;
                    foreach (var volume in volumes)
                    {
                        try
                        {
                            opened.Add((volume, await OpenDeviceAsync(caller, volume, [], cancellationToken)));
                        }
                        catch (KeyServiceException e)
                        {
                            refused = e;
                            break;
                        }
                    }
                    if (refused is null)
                    {
                        instance.State = "running";
                        instance.StateTransitionReason = "";
                        instance.StateReasonCode = null;
                        instance.StateReasonMessage = null;
                    }
                    else
                    {
                        foreach (var (_, device) in opened)
                        {
                            device.Close();
                        }
                        opened.Clear();
                        instance.StateReasonCode = "Client.InternalError";
                        instance.StateReasonMessage = "Client.InternalError: Client error on launch";
                        Tracer.Current?.Add("ec2:start-failed", $"instance '{instance.InstanceId}' stays stopped: KMS refused its volume key ({refused.ErrorCode})");
                    }
                    try
                    {
                        await _kv.PutAsync(Keys.Instance(instance.InstanceId), Json.Encode(instance), cancellationToken);
                    }
                    catch
                    {
                        foreach (var (_, device) in opened)
                        {
                            device.Close();
                        }
                        throw;
                    }
                    foreach (var (volume, device) in opened)
                    {
                        Publish(volume, device);
                    }
                }
                changes.Add(new InstanceStateChange(instance.InstanceId, previous, previous == "stopped" ? "pending" : previous));
            }
            return changes;
        }
        finally
        {
            _gate.Release();
        }
    }

    // ---- Shared helpers ----

    /// <summary>
    /// The owner and ARN of a volume or snapshot id that exists (a deleted snapshot is gone), or null; for auditing a
    /// refusal, never for access decisions.
    /// </summary>
    public ResourceOwner? OwnerOf(string id)
    {
        if (AwsIds.LooksLike(id, "vol") && _kv.TryGet(Keys.Volume(id), out var volume))
        {
            var v = Json.Decode<VolumeRecord>(volume);
            return new ResourceOwner(v.AccountId, "AWS::EC2::Volume", $"arn:aws:ec2:{v.Region}:{v.AccountId}:volume/{id}");
        }
        if (AwsIds.LooksLike(id, "snap") && _kv.TryGet(Keys.Snapshot(id), out var snapshot))
        {
            var s = Json.Decode<SnapshotRecord>(snapshot);
            // Snapshot ARNs carry no account, as in EC2.
            return s.Tombstone ? null : new ResourceOwner(s.AccountId, "AWS::EC2::Snapshot", $"arn:aws:ec2:{s.Region}::snapshot/{id}");
        }
        return null;
    }

    internal VolumeRecord LoadVolume(Caller caller, string volumeId)
    {
        if (!_kv.TryGet(Keys.Volume(volumeId), out var bytes))
        {
            AwsIds.RequireVolumeId(volumeId);
            throw Ec2Exception.VolumeNotFound(volumeId);
        }
        var v = Json.Decode<VolumeRecord>(bytes);
        return v.AccountId == caller.AccountId && v.Region == caller.Region ? v : throw Ec2Exception.VolumeNotFound(volumeId);
    }

    internal SnapshotRecord LoadSnapshot(Caller caller, string snapshotId) =>
        LoadSnapshot(caller, snapshotId, s => s.AccountId == caller.AccountId);

    /// <summary>A snapshot the caller may create volumes from or copy: its own, or one shared with its account or public.</summary>
    internal SnapshotRecord LoadRestorableSnapshot(Caller caller, string snapshotId) =>
        LoadSnapshot(caller, snapshotId, s => RestorableBy(s, caller.AccountId));

    private SnapshotRecord LoadSnapshot(Caller caller, string snapshotId, Func<SnapshotRecord, bool> visible)
    {
        if (!_kv.TryGet(Keys.Snapshot(snapshotId), out var bytes))
        {
            AwsIds.RequireSnapshotId(snapshotId);
            throw Ec2Exception.SnapshotNotFound(snapshotId);
        }
        var s = Json.Decode<SnapshotRecord>(bytes);
        return s.Region == caller.Region && !s.Tombstone && visible(s) ? s : throw Ec2Exception.SnapshotNotFound(snapshotId);
    }

    private bool RestorableBy(SnapshotRecord s, string accountId) =>
        s.AccountId == accountId || s.CreateVolumePermissions.Contains(accountId) || IsPublic(s);

    /// <summary>Shared with "all", unless its owner blocks all public sharing in its region (the permission stays).</summary>
    private bool IsPublic(SnapshotRecord s) =>
        s.CreateVolumePermissions.Contains("all")
        && !(_kv.TryGet(Keys.Account(s.AccountId, s.Region), out var v) && Json.Decode<AccountSettings>(v).SnapshotBlockPublicAccess == "block-all-sharing");

    private static string GmtTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    private InstanceRecord LoadInstance(Caller caller, string instanceId)
    {
        if (!_kv.TryGet(Keys.Instance(instanceId), out var bytes))
        {
            AwsIds.RequireInstanceId(instanceId);
            throw Ec2Exception.InstanceNotFound(instanceId);
        }
        var i = Json.Decode<InstanceRecord>(bytes);
        return i.AccountId == caller.AccountId ? i : throw Ec2Exception.InstanceNotFound(instanceId);
    }

    /// <summary>Every volume of the caller's account in the caller's region.</summary>
    private List<VolumeRecord> CallerVolumes(Caller caller) =>
        [.. _kv.Scan("ebs/vol/").Select(kv => Json.Decode<VolumeRecord>(kv.Value)).Where(v => v.AccountId == caller.AccountId && v.Region == caller.Region)];

    private IEnumerable<VolumeRecord> VolumesOf(string instanceId) =>
        _kv.Scan("ebs/vol/").Select(kv => Json.Decode<VolumeRecord>(kv.Value)).Where(v => v.Attachment?.InstanceId == instanceId);

    /// <summary>An instance's volumes in attach order, as EC2 lists them; same-instant attachments (one launch) by device name.</summary>
    private IEnumerable<VolumeRecord> AttachedInOrder(string instanceId) =>
        VolumesOf(instanceId).OrderBy(v => v.Attachment!.AttachTime).ThenBy(v => v.Attachment!.Device, StringComparer.Ordinal);

    internal VolumeRuntime Runtime(VolumeRecord volume)
    {
        lock (_runtimeLock)
        {
            if (!_runtimes.TryGetValue(volume.VolumeId, out var runtime))
            {
                var baseManifest = _kv.TryGet(Keys.VolumeBase(volume.VolumeId), out var bytes) ? Manifest.Decode(bytes) : null;
                runtime = new VolumeRuntime(volume.VolumeId, new AllocationMap(_kv, volume.VolumeId), baseManifest);
                _runtimes[volume.VolumeId] = runtime;
            }
            return runtime;
        }
    }

    internal VolumeDevice? FindDevice(string volumeId)
    {
        lock (_runtimeLock)
        {
            return _runtimes.TryGetValue(volumeId, out var r) && r.Device is { IsClosed: false } d ? d : null;
        }
    }

    internal IReadOnlyList<string> AttachedVolumeIds()
    {
        lock (_runtimeLock)
        {
            return [.. _runtimes.Values.Where(r => r.Device is { IsClosed: false }).Select(r => r.VolumeId)];
        }
    }

    private int ResidentKeyCount()
    {
        lock (_runtimeLock)
        {
            return _runtimes.Values.Count(r => r.Device is { IsClosed: false, DataKey: not null });
        }
    }

    internal Manifest? LoadManifest(string snapshotId) =>
        _kv.TryGet(Keys.Manifest(snapshotId), out var bytes) ? Manifest.Decode(bytes) : null;

    internal async Task<uint> AllocateWriterAsync(string lineageId, CancellationToken cancellationToken)
    {
        // Callers hold _gate, so this read-modify-write of the lineage's writer counter is serialised.
        var next = _kv.TryGet(Keys.Lineage(lineageId), out var bytes) ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : 2u;
        await _kv.PutAsync(Keys.Lineage(lineageId), WriterCounter(next + 1), cancellationToken);
        return next;
    }

    private static byte[] WriterCounter(uint next)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, next);
        return b;
    }

    internal async Task<byte[]> GenerateWrappedKeyAsync(Caller via, string keyArn, string contextId, CancellationToken cancellationToken)
    {
        try
        {
            var (blob, _) = await _keys.GenerateDataKeyWithoutPlaintextAsync(via, keyArn,
                EncryptionContext.From([new(EbsContextKey, contextId)]), BlockFormat.DataKeySize, cancellationToken);
            return blob;
        }
        catch (KeyServiceException e)
        {
            throw Ec2Exception.FromKms(e);
        }
    }

    /// <summary>Decrypts a wrapped data key and builds the lineage's block cipher; the caller disposes both.</summary>
    internal async Task<(SecretBytes Key, BlockCipher Cipher)> OpenCipherAsync(Caller via, byte[] wrapped, string keyContextId, string keyArn,
        string lineageId, IReadOnlyDictionary<uint, string> writers, CancellationToken cancellationToken)
    {
        SecretBytes key;
        try
        {
            key = await _keys.DecryptAsync(via, wrapped, EncryptionContext.From([new(EbsContextKey, keyContextId)]), keyArn, null, cancellationToken);
        }
        catch (KeyServiceException e)
        {
            throw Ec2Exception.FromKms(e);
        }
        return (key, new BlockCipher(key, lineageId, writers));
    }

    internal IKeyValueStore Metadata => _kv;
    internal IBlockStore Blocks => _blocks;
    internal ISnapshotBlockStore SnapshotBlocks => _snapshots;
    internal IDataKeyService KeyService => _keys;
    internal TimeProvider Time => _time;
    internal VolumeServiceOptions Options => _options;
    internal SemaphoreSlim Gate => _gate;

    private static VolumeInfo ToInfo(VolumeRecord v) => new(
        v.VolumeId, v.AvailabilityZone, v.Size, v.VolumeType, v.Iops, v.Throughput, v.Encrypted, v.KmsKeyArn, v.SnapshotId, v.State, v.CreateTime,
        v.Attachment is null ? [] : [new VolumeAttachmentInfo(v.VolumeId, v.Attachment.InstanceId, v.Attachment.Device, v.Attachment.State, v.Attachment.AttachTime, v.Attachment.DeleteOnTermination)],
        v.Tags, v.SourceVolumeId, v.FastRestored == true);

    private InstanceInfo ToInfo(InstanceRecord i) => new(
        i.InstanceId, i.State, i.AvailabilityZone, i.InstanceType, i.LaunchTime,
        [.. AttachedInOrder(i.InstanceId).Select(v => new VolumeAttachmentInfo(v.VolumeId, i.InstanceId, v.Attachment!.Device, v.Attachment.State, v.Attachment.AttachTime, v.Attachment.DeleteOnTermination))],
        i.Tags, i.ImageId)
    {
        StateTransitionReason = i.StateTransitionReason,
        StateReasonCode = i.StateReasonCode,
        StateReasonMessage = i.StateReasonMessage,
    };
}

/// <summary>EC2 filter matching: every filter must match; within one filter any value may match (* and ? wildcards).</summary>
public static class FilterMatch
{
    public static bool All(Filters? filters, Func<string, IEnumerable<string>> field)
    {
        if (filters is null)
        {
            return true;
        }
        foreach (var (name, values) in filters)
        {
            var actual = field(name).ToList();
            if (!values.Any(pattern => actual.Any(a => Wildcard(pattern, a))))
            {
                return false;
            }
        }
        return true;
    }

    private static bool Wildcard(string pattern, string value)
    {
        if (!pattern.Contains('*') && !pattern.Contains('?'))
        {
            return pattern == value;
        }
        var regex = "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$";
        return System.Text.RegularExpressions.Regex.IsMatch(value, regex);
    }
}

internal sealed class VolumeExportProvider(VolumeService service) : INbdExportProvider
{
    public INbdExport? Find(string name) => service.FindDevice(name);

    public IReadOnlyList<string> List() => service.AttachedVolumeIds();
}
