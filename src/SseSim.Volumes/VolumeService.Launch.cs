using SseSim.Core.Aws;
using SseSim.Core.Storage;
using SseSim.Core.Tracing;

namespace SseSim.Volumes;

/// <summary>RunInstances with EBS block devices, and the instance and volume attributes EC2 lets a user change.</summary>
public sealed partial class VolumeService
{
    /// <summary>
    /// Launches instances; each gets a new volume per block device, created and attached as CreateVolume and
    /// AttachVolume would (encryption by default, the default key, a grant and a Decrypt per encrypted volume).
    /// Malformed mappings fail the call. A KMS refusal does not: as on AWS, which checks the key asynchronously, the
    /// instance is answered pending and then ends terminated with a state reason, its launch volumes deleted.
    /// </summary>
    public async Task<IReadOnlyList<InstanceInfo>> RunInstancesAsync(Caller caller, RunInstancesRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Count is < 1 or > 20)
        {
            throw Ec2Exception.InvalidParameter("MinCount/MaxCount must be between 1 and 20.");
        }
        AvailabilityZones.Require(caller.Region, request.AvailabilityZone);
        RequireShutdownBehavior(request.Attributes.InstanceInitiatedShutdownBehavior);
        ValidateLaunchVolumes(caller, request);
        var records = Enumerable.Range(0, request.Count).Select(_ => new InstanceRecord
        {
            InstanceId = AwsIds.New("i"),
            AccountId = caller.AccountId,
            AvailabilityZone = request.AvailabilityZone,
            InstanceType = request.InstanceType,
            ImageId = request.ImageId,
            State = "running",
            LaunchTime = _time.GetUtcNow(),
            Tags = [.. request.Tags ?? []],
            Attributes = request.Attributes == new InstanceAttributes() ? null : request.Attributes,
        }).ToList();
        await _kv.ApplyAsync([.. records.Select(r => new KvMutation(Keys.Instance(r.InstanceId), Json.Encode(r)))], cancellationToken);
        foreach (var record in records)
        {
            await AttachLaunchVolumesAsync(caller, record, request, cancellationToken);
        }
        // At pending EC2 has not reported the block devices yet.
        return [.. records.Select(r => ToInfo(r) with { State = "pending", BlockDevices = [] })];
    }

    /// <summary>Each block device passes CreateVolume's checks, and no device is mapped twice.</summary>
    private void ValidateLaunchVolumes(Caller caller, RunInstancesRequest request)
    {
        var settings = Settings(caller);
        var devices = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in request.Volumes)
        {
            if (!devices.Add(v.DeviceName))
            {
                throw new Ec2Exception("InvalidBlockDeviceMapping", $"The device '{v.DeviceName}' is used in more than one block-device mapping");
            }
            CheckNewVolume(caller, settings, CreateRequest(v, request.AvailabilityZone, request.VolumeTags), v.DeviceName);
        }
    }

    private static CreateVolumeRequest CreateRequest(LaunchVolumeRequest v, string availabilityZone, IReadOnlyList<Tag>? tags) => new()
    {
        AvailabilityZone = availabilityZone,
        Size = v.Size,
        VolumeType = v.VolumeType,
        Iops = v.Iops,
        Throughput = v.Throughput,
        Encrypted = v.Encrypted,
        KmsKeyId = v.KmsKeyId,
        SnapshotId = v.SnapshotId,
        Tags = tags,
    };

    private async Task AttachLaunchVolumesAsync(Caller caller, InstanceRecord instance, RunInstancesRequest request, CancellationToken cancellationToken)
    {
        var created = new List<string>();
        try
        {
            foreach (var v in request.Volumes)
            {
                var volume = await CreateVolumeAsync(caller, CreateRequest(v, instance.AvailabilityZone, request.VolumeTags), cancellationToken);
                created.Add(volume.VolumeId);
                await AttachVolumeAsync(caller, volume.VolumeId, instance.InstanceId, v.DeviceName, v.DeleteOnTermination, cancellationToken);
            }
        }
        catch (Ec2Exception e)
        {
            await FailLaunchAsync(caller, instance, created, e, cancellationToken);
        }
    }

    /// <summary>
    /// The launch failed after the call was answered: the instance is terminated with the reason EC2 gives
    /// (Client.InvalidKMSKey.InvalidState for a disabled key, Client.InternalError for a key it may not use) and every
    /// volume made for it is deleted, whatever its DeleteOnTermination.
    /// </summary>
    private async Task FailLaunchAsync(Caller caller, InstanceRecord instance, List<string> created, Ec2Exception cause, CancellationToken cancellationToken)
    {
        Tracer.Current?.Add("ec2:launch-failed", $"instance '{instance.InstanceId}' terminated at launch: {cause.Code}");
        await _gate.WaitAsync(cancellationToken);
        try
        {
            (instance.StateReasonCode, instance.StateReasonMessage) = cause.Code.StartsWith("InvalidKMSKey.", StringComparison.Ordinal)
                ? ($"Client.{cause.Code}", $"Client.{cause.Code}: The KMS key provided is in an incorrect state")
                : cause.HttpStatus < 500
                    ? ("Client.InternalError", "Client.InternalError: Client error on launch")
                    : ("Server.InternalError", "Server.InternalError: Internal error on launch");
            instance.StateTransitionReason = "";
            await TerminateLockedAsync(caller, instance, _ => true, cancellationToken);
            foreach (var id in created)
            {
                if (_kv.TryGet(Keys.Volume(id), out var bytes) && Json.Decode<VolumeRecord>(bytes) is { Attachment: null } left)
                {
                    await DeleteVolumeDataAsync(left, cancellationToken);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public InstanceAttributes DescribeInstanceAttributes(Caller caller, string instanceId) =>
        LoadInstance(caller, instanceId).Attributes ?? new InstanceAttributes();

    /// <summary>
    /// ModifyInstanceAttribute: the protection flags, shutdown behaviour and user data at any time; the instance type
    /// and user data only while stopped, as EC2 requires.
    /// </summary>
    public async Task ModifyInstanceAttributesAsync(Caller caller, string instanceId, InstanceAttributeChange change, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var instance = LoadInstance(caller, instanceId);
            if (instance.State == "terminated")
            {
                throw new Ec2Exception("IncorrectInstanceState", $"The instance '{instanceId}' is not in a state from which it can be modified.");
            }
            if ((change.InstanceType is not null || change.UserData is not null) && instance.State != "stopped")
            {
                throw new Ec2Exception("IncorrectInstanceState", $"The instance '{instanceId}' is not in the 'stopped' state.");
            }
            if (change.InstanceInitiatedShutdownBehavior is { } behavior)
            {
                RequireShutdownBehavior(behavior);
            }
            var volumes = VolumesOf(instanceId).ToList();
            foreach (var (device, _) in change.DeleteOnTermination)
            {
                if (volumes.All(v => v.Attachment!.Device != device))
                {
                    throw new Ec2Exception("InvalidInstanceAttributeValue", $"No device is currently mapped at {device}");
                }
            }
            var a = instance.Attributes ?? new InstanceAttributes();
            instance.Attributes = a with
            {
                DisableApiTermination = change.DisableApiTermination ?? a.DisableApiTermination,
                DisableApiStop = change.DisableApiStop ?? a.DisableApiStop,
                InstanceInitiatedShutdownBehavior = change.InstanceInitiatedShutdownBehavior ?? a.InstanceInitiatedShutdownBehavior,
                UserData = change.UserData ?? a.UserData,
            };
            instance.InstanceType = change.InstanceType ?? instance.InstanceType;
            var mutations = new List<KvMutation> { new(Keys.Instance(instanceId), Json.Encode(instance)) };
            foreach (var volume in volumes)
            {
                if (change.DeleteOnTermination.TryGetValue(volume.Attachment!.Device, out var delete))
                {
                    volume.Attachment.DeleteOnTermination = delete;
                    mutations.Add(new KvMutation(Keys.Volume(volume.VolumeId), Json.Encode(volume)));
                }
            }
            await _kv.ApplyAsync(mutations, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static void RequireShutdownBehavior(string behavior)
    {
        if (behavior is not ("stop" or "terminate"))
        {
            throw Ec2Exception.InvalidParameter($"Value ({behavior}) for parameter instanceInitiatedShutdownBehavior is invalid. Expected: 'stop', 'terminate'.");
        }
    }

    public bool DescribeAutoEnableIo(Caller caller, string volumeId) => LoadVolume(caller, volumeId).AutoEnableIo;

    public async Task ModifyAutoEnableIoAsync(Caller caller, string volumeId, bool value, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var volume = LoadVolume(caller, volumeId);
            volume.AutoEnableIo = value;
            await _kv.PutAsync(Keys.Volume(volumeId), Json.Encode(volume), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }
}
