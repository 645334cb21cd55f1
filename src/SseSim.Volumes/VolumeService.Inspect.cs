using SseSim.Core.Aws;
using SseSim.Core.Tracing;

namespace SseSim.Volumes;

/// <summary>What the dashboard may see of a volume. <see cref="KeyInMemory"/> is read from the live device, not inferred from metadata.</summary>
public sealed record VolumeInspection(
    string VolumeId, string AccountId, string AvailabilityZone, int Size, string VolumeType, bool Encrypted, string? KmsKeyArn,
    byte[]? WrappedKey, string? EncryptionContextId, string State, string? InstanceId, string? Device, string? AttachmentState,
    bool KeyInMemory, string? SnapshotId, DateTimeOffset CreateTime);

public sealed record SnapshotInspection(
    string SnapshotId, string VolumeId, string AccountId, int VolumeSize, string State, bool Encrypted, string? KmsKeyArn, byte[]? WrappedKey,
    DateTimeOffset StartTime, string? Description);

public sealed record InstanceInspection(string InstanceId, string AccountId, string State, string AvailabilityZone, string InstanceType, DateTimeOffset LaunchTime);

public sealed partial class VolumeService
{
    /// <summary>Every volume of every account (read-only dashboard).</summary>
    public IReadOnlyList<VolumeInspection> InspectVolumes() =>
        [.. _kv.Scan("ebs/vol/").Select(kv => Json.Decode<VolumeRecord>(kv.Value)).Select(v => new VolumeInspection(
            v.VolumeId, v.AccountId, v.AvailabilityZone, v.Size, v.VolumeType, v.Encrypted, v.KmsKeyArn, v.WrappedKey?.ToArray(), v.KeyContextId,
            v.State, v.Attachment?.InstanceId, v.Attachment?.Device, v.Attachment?.State,
            FindDevice(v.VolumeId)?.DataKey is { IsDisposed: false }, v.SnapshotId, v.CreateTime))];

    public IReadOnlyList<SnapshotInspection> InspectSnapshots() =>
        [.. _kv.Scan("ebs/snap/").Select(kv => Json.Decode<SnapshotRecord>(kv.Value)).Where(s => !s.Tombstone).Select(s => new SnapshotInspection(
            s.SnapshotId, s.VolumeId, s.AccountId, s.VolumeSize, s.State, s.Encrypted, s.KmsKeyArn, s.WrappedKey?.ToArray(), s.StartTime, s.Description))];

    public IReadOnlyList<InstanceInspection> InspectInstances() =>
        [.. _kv.Scan("ebs/inst/").Select(kv => Json.Decode<InstanceRecord>(kv.Value)).Select(i => new InstanceInspection(
            i.InstanceId, i.AccountId, i.State, i.AvailabilityZone, i.InstanceType, i.LaunchTime))];

    private static void TraceRequest(Caller caller, string operation, string volumeId, string detail)
    {
        if (Tracer.Current is not { } t)
        {
            return;
        }
        t.About(volumeId, operation, caller.Identity.Arn);
        t.Add("ec2:" + operation, $"client → EC2 front end: {operation} {volumeId} as {caller.Identity.Arn}{detail}",
            fields: new Dictionary<string, string>(StringComparer.Ordinal) { ["volumeId"] = volumeId, ["identity"] = caller.Identity.Arn });
    }
}
