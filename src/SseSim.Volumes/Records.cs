using System.Text.Json;
using System.Text.Json.Serialization;

namespace SseSim.Volumes;

/// <summary>Persisted volume metadata (block-volume.md §6). Mutable: changed only under the service gate.</summary>
internal sealed class VolumeRecord
{
    public required string VolumeId { get; init; }
    public required string AccountId { get; init; }
    public required string Region { get; init; }
    public required string AvailabilityZone { get; init; }
    public int Size { get; set; }
    public required string VolumeType { get; set; }
    public int? Iops { get; set; }
    public int? Throughput { get; set; }
    public bool Encrypted { get; init; }
    public string? KmsKeyArn { get; init; }
    public byte[]? WrappedKey { get; init; }
    public string? KeyContextId { get; init; }
    public required string LineageId { get; init; }
    public uint WriterId { get; init; }
    public required Dictionary<uint, string> Writers { get; init; }
    public string? SnapshotId { get; init; }
    /// <summary>Created from a snapshot with fast snapshot restore enabled in its zone (block-volume.md §6.2).</summary>
    public bool? FastRestored { get; init; }
    /// <summary>The volume a CopyVolumes copy was made from (block-volume.md §6); null for other volumes.</summary>
    public string? SourceVolumeId { get; init; }
    /// <summary>Snapshot whose manifest backs the blocks this volume has not written itself (lazy load).</summary>
    public string? BaseSnapshotId { get; set; }
    /// <summary>Parent of the next snapshot (incremental): the last completed snapshot, else the base.</summary>
    public string? LastSnapshotId { get; set; }
    public required string State { get; set; }
    public DateTimeOffset CreateTime { get; init; }
    public List<Tag> Tags { get; init; } = [];
    public AttachmentRecord? Attachment { get; set; }
    /// <summary>The latest ModifyVolume, for DescribeVolumesModifications (absent on volumes never modified).</summary>
    public VolumeModificationInfo? LastModification { get; set; }

    /// <summary>ModifyVolumeAttribute's autoEnableIO; I/O is never suspended here, so it is only reported.</summary>
    public bool AutoEnableIo { get; set; }
}

internal sealed class AttachmentRecord
{
    public required string InstanceId { get; init; }
    public required string Device { get; init; }
    public required string State { get; set; }
    public DateTimeOffset AttachTime { get; init; }
    public bool DeleteOnTermination { get; set; }
    public string? GrantId { get; init; }
}

internal sealed class SnapshotRecord
{
    public required string SnapshotId { get; init; }
    public required string AccountId { get; init; }
    public required string Region { get; init; }
    public required string VolumeId { get; init; }
    public int VolumeSize { get; init; }
    public required string State { get; set; }
    public string? StateMessage { get; set; }
    public DateTimeOffset StartTime { get; init; }
    public DateTimeOffset? CompletionTime { get; set; }
    public string? Description { get; init; }
    public bool Encrypted { get; init; }
    public string? KmsKeyArn { get; init; }
    public byte[]? WrappedKey { get; init; }
    public string? KeyContextId { get; init; }
    public required string LineageId { get; init; }
    public required Dictionary<uint, string> Writers { get; init; }
    public string? ParentSnapshotId { get; init; }
    public List<Tag> Tags { get; init; } = [];
    /// <summary>Deleted by the user but still holding blocks other manifests reference (block-volume.md §5.2).</summary>
    public bool Tombstone { get; set; }
    /// <summary>Set for EBS direct API snapshots (StartSnapshot): their writer id and timeout.</summary>
    public uint DirectWriterId { get; init; }
    public DateTimeOffset? DirectDeadline { get; init; }
    public string? ClientToken { get; init; }
    /// <summary>createVolumePermission: account ids, or "all" for public (unencrypted snapshots only).</summary>
    public List<string> CreateVolumePermissions { get; init; } = [];

    /// <summary>The snapshot lock (block-volume.md §6.1); null when unlocked.</summary>
    public SnapshotLockRecord? Lock { get; set; }

    /// <summary>Fast snapshot restore: when it was enabled, by Availability Zone (block-volume.md §6.2); null for none.</summary>
    public Dictionary<string, DateTimeOffset>? FastRestores { get; set; }
}

/// <summary>What LockSnapshot asked for (block-volume.md §6.1); the lock state is derived from it and the clock.</summary>
internal sealed class SnapshotLockRecord
{
    public required string Mode { get; init; }
    public DateTimeOffset CreatedOn { get; init; }
    public int? DurationDays { get; init; }
    public DateTimeOffset? ExpiresOn { get; init; }
    public DateTimeOffset DurationSetOn { get; init; }
    public int? CoolOffHours { get; init; }
    public DateTimeOffset? CoolOffFrom { get; init; }
}

internal sealed class InstanceRecord
{
    public required string InstanceId { get; init; }
    public required string AccountId { get; init; }
    public required string AvailabilityZone { get; init; }
    public required string InstanceType { get; set; }
    public string? ImageId { get; init; }

    /// <summary>Absent in records written before instance attributes were kept: all defaults.</summary>
    public InstanceAttributes? Attributes { get; set; }
    public required string State { get; set; }
    public DateTimeOffset LaunchTime { get; init; }
    public List<Tag> Tags { get; init; } = [];

    /// <summary>EC2's stateTransitionReason, e.g. "User initiated (2026-11-30 13:00:00 GMT)" after a stop.</summary>
    public string? StateTransitionReason { get; set; }

    /// <summary>EC2's stateReason code and message: why the last state change happened (a start that KMS refused).</summary>
    public string? StateReasonCode { get; set; }

    public string? StateReasonMessage { get; set; }
}

internal sealed class AccountSettings
{
    public bool EncryptionByDefault { get; set; }
    public string? DefaultKmsKeyId { get; set; }

    /// <summary>Block public access for snapshots: block-all-sharing or block-new-sharing; absent = unblocked.</summary>
    public string? SnapshotBlockPublicAccess { get; set; }
}

internal static class Json
{
    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static byte[] Encode<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T Decode<T>(byte[] bytes) => JsonSerializer.Deserialize<T>(bytes, Options) ?? throw new InvalidDataException("null metadata record");
}

internal static class Keys
{
    public static string Volume(string id) => $"ebs/vol/{id}";
    public static string Snapshot(string id) => $"ebs/snap/{id}";
    public static string Manifest(string id) => $"ebs/manifest/{id}";
    /// <summary>A restored volume's own copy of its base snapshot's manifest, so deleting the snapshot cannot narrow it.</summary>
    public static string VolumeBase(string volumeId) => $"ebs/volbase/{volumeId}";
    public static string Lineage(string id) => $"ebs/lineage/{id}";
    public static string Instance(string id) => $"ebs/inst/{id}";
    public static string Account(string account, string region) => $"ebs/acct/{account}/{region}";
    public static string MapPrefix(string volumeId) => $"ebs/map/{volumeId}/";
}
