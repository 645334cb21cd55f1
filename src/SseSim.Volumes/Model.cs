namespace SseSim.Volumes;

public sealed record Tag(string Key, string Value);

/// <summary>One tag of one resource, as DescribeTags lists it.</summary>
public sealed record TagDescription(string ResourceId, string ResourceType, string Key, string Value);

public sealed record VolumeAttachmentInfo(string VolumeId, string InstanceId, string Device, string State, DateTimeOffset AttachTime, bool DeleteOnTermination);

public sealed record VolumeInfo(
    string VolumeId, string AvailabilityZone, int Size, string VolumeType, int? Iops, int? Throughput,
    bool Encrypted, string? KmsKeyId, string? SnapshotId, string State, DateTimeOffset CreateTime,
    IReadOnlyList<VolumeAttachmentInfo> Attachments, IReadOnlyList<Tag> Tags, string? SourceVolumeId = null, bool FastRestored = false);

public sealed record SnapshotInfo(
    string SnapshotId, string VolumeId, int VolumeSize, string State, string Progress, DateTimeOffset StartTime,
    DateTimeOffset? CompletionTime, string? Description, string OwnerId, bool Encrypted, string? KmsKeyId,
    string DataEncryptionKeyId, string? StateMessage, IReadOnlyList<Tag> Tags);

/// <summary>Fast snapshot restore in one Availability Zone, as Enable/Disable/DescribeFastSnapshotRestores report it.</summary>
public sealed record FastSnapshotRestoreInfo(
    string SnapshotId, string AvailabilityZone, string AvailabilityZoneId, string State, string StateTransitionReason, string OwnerId,
    DateTimeOffset? EnablingTime, DateTimeOffset? OptimizingTime, DateTimeOffset? EnabledTime, DateTimeOffset? DisablingTime, DateTimeOffset? DisabledTime);

/// <summary>Why fast snapshot restore could not be changed for a snapshot in one zone (the answer's unsuccessful set).</summary>
public sealed record FastSnapshotRestoreError(string SnapshotId, string AvailabilityZone, string Code, string Message);

/// <summary>CopyVolumes' request; unset members default to the source's size and to gp2 (the model's default type).</summary>
public sealed record CopyVolumeRequest(string SourceVolumeId, int? Size, string? VolumeType, int? Iops, int? Throughput, IReadOnlyList<Tag>? Tags);

/// <summary>LockSnapshot's request: exactly one of <see cref="DurationDays"/> and <see cref="ExpirationDate"/>.</summary>
public sealed record LockSnapshotRequest(string SnapshotId, string Mode, int? CoolOffHours, int? DurationDays, DateTimeOffset? ExpirationDate);

/// <summary>A snapshot's lock as LockSnapshot and DescribeLockedSnapshots report it.</summary>
public sealed record SnapshotLockInfo(
    string SnapshotId, string OwnerId, string LockState, int? LockDuration, int? CoolOffPeriod, DateTimeOffset? CoolOffPeriodExpiresOn,
    DateTimeOffset LockCreatedOn, DateTimeOffset? LockDurationStartTime, DateTimeOffset? LockExpiresOn);

public sealed record InstanceInfo(
    string InstanceId, string State, string AvailabilityZone, string InstanceType, DateTimeOffset LaunchTime,
    IReadOnlyList<VolumeAttachmentInfo> BlockDevices, IReadOnlyList<Tag> Tags, string? ImageId = null)
{
    public string? StateTransitionReason { get; init; }

    public string? StateReasonCode { get; init; }

    public string? StateReasonMessage { get; init; }
}

public sealed record InstanceStateChange(string InstanceId, string PreviousState, string CurrentState);

public sealed record VolumeModificationInfo(
    string VolumeId, string ModificationState, int OriginalSize, int TargetSize, string OriginalVolumeType, string TargetVolumeType,
    int? OriginalIops, int? TargetIops, int? OriginalThroughput, int? TargetThroughput, DateTimeOffset StartTime,
    DateTimeOffset? EndTime = null);

public sealed record CreateVolumeRequest
{
    public required string AvailabilityZone { get; init; }
    public int? Size { get; init; }
    public string? VolumeType { get; init; }
    public int? Iops { get; init; }
    public int? Throughput { get; init; }
    public bool? Encrypted { get; init; }
    public string? KmsKeyId { get; init; }
    public string? SnapshotId { get; init; }
    public IReadOnlyList<Tag>? Tags { get; init; }
}

public sealed record ModifyVolumeRequest
{
    public required string VolumeId { get; init; }
    public int? Size { get; init; }
    public string? VolumeType { get; init; }
    public int? Iops { get; init; }
    public int? Throughput { get; init; }
}

public sealed record CopySnapshotRequest
{
    public required string SourceSnapshotId { get; init; }
    public string? Description { get; init; }
    public bool? Encrypted { get; init; }
    public string? KmsKeyId { get; init; }
    public IReadOnlyList<Tag>? Tags { get; init; }
}

public sealed record RunInstancesRequest
{
    public required string AvailabilityZone { get; init; }
    public int Count { get; init; } = 1;
    public string InstanceType { get; init; } = "t3.micro";
    public string? ImageId { get; init; }
    public IReadOnlyList<Tag>? Tags { get; init; }

    /// <summary>BlockDeviceMapping entries with Ebs: volumes created and attached to each instance at launch.</summary>
    public IReadOnlyList<LaunchVolumeRequest> Volumes { get; init; } = [];

    /// <summary>TagSpecification tags for ResourceType volume: applied to the launch volumes.</summary>
    public IReadOnlyList<Tag>? VolumeTags { get; init; }

    public InstanceAttributes Attributes { get; init; } = new();
}

/// <summary>The instance attributes SseSim keeps (DescribeInstanceAttribute); the API protection flags are enforced.</summary>
public sealed record InstanceAttributes
{
    public bool DisableApiTermination { get; init; }
    public bool DisableApiStop { get; init; }

    /// <summary>"stop" or "terminate": what a shutdown from inside the guest does (never happens here).</summary>
    public string InstanceInitiatedShutdownBehavior { get; init; } = "stop";

    /// <summary>Base64, as the API carries it.</summary>
    public string? UserData { get; init; }
}

/// <summary>ModifyInstanceAttribute: null leaves an attribute as it is.</summary>
public sealed record InstanceAttributeChange
{
    public bool? DisableApiTermination { get; init; }
    public bool? DisableApiStop { get; init; }
    public string? InstanceInitiatedShutdownBehavior { get; init; }
    public string? UserData { get; init; }
    public string? InstanceType { get; init; }

    /// <summary>Device name → the attached volume's new DeleteOnTermination.</summary>
    public IReadOnlyDictionary<string, bool> DeleteOnTermination { get; init; } = new Dictionary<string, bool>();
}

/// <summary>One EBS block device of RunInstances (EbsBlockDevice): a new volume at DeviceName.</summary>
public sealed record LaunchVolumeRequest
{
    public required string DeviceName { get; init; }
    public int? Size { get; init; }
    public string? VolumeType { get; init; }
    public int? Iops { get; init; }
    public int? Throughput { get; init; }
    public bool? Encrypted { get; init; }
    public string? KmsKeyId { get; init; }
    public string? SnapshotId { get; init; }

    /// <summary>Launch volumes are deleted with their instance unless told otherwise, unlike attached ones.</summary>
    public bool DeleteOnTermination { get; init; } = true;
}

/// <summary>EC2 filters: name → accepted values (any matches). Wildcards * and ? are honoured.</summary>
public sealed class Filters : Dictionary<string, IReadOnlyList<string>>
{
    public Filters() : base(StringComparer.Ordinal)
    {
    }
}

public sealed class VolumeServiceOptions
{
    /// <summary>Per-volume IOPS/throughput token buckets with AWS baselines (<c>--volume-limits</c>); off by default.</summary>
    public bool EnforceVolumeLimits { get; init; }

    /// <summary>How long an EBS direct API block token stays valid (AWS: 7 days).</summary>
    public TimeSpan BlockTokenLifetime { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Added latency on every NBD read and write (fault injection), changeable at run time.</summary>
    public Core.Faults.IoLatencyFault? IoLatency { get; init; }

    /// <summary>Where the volume instruments are created; null measures nothing.</summary>
    public System.Diagnostics.Metrics.IMeterFactory? Meters { get; init; }
}
