using SseSim.Kms;
using SseSim.Objects;

namespace SseSim.Server.CloudTrail;

/// <summary>What the trail operations reach: the trail table, the object store and KMS (checks), the clock.</summary>
public sealed class TrailContext(TrailStore store, ObjectStore objects, KmsService kms, TimeProvider time)
{
    public TrailStore Store { get; } = store;
    public ObjectStore Objects { get; } = objects;
    public KmsService Kms { get; } = kms;
    public TimeProvider Time { get; } = time;

    /// <summary>CloudTrail's quota: 5 trails per Region per account (CloudTrail user guide, "Quotas in AWS CloudTrail").</summary>
    public const int MaxTrailsPerRegion = 5;
}
