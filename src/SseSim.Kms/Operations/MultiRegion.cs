using SseSim.Core.Aws;
using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

/// <summary>
/// Rules shared by the multi-Region operations (KMS Developer Guide "Multi-Region keys in AWS KMS"). Each copy of a
/// multi-Region key is its own record in its own Region; the key id, spec, usage, origin, key material and rotation
/// are shared (written to every copy together), everything else is per copy.
/// </summary>
public static class MultiRegion
{
    /// <summary>AWS's answer when a multi-Region operation names a key that is not a multi-Region primary.</summary>
    public static KmsException NotPrimary(KmsKey key) =>
        KmsException.Unsupported($"{key.Arn} is not a multi-Region primary key.");

    /// <summary>
    /// The key ReplicateKey and UpdatePrimaryRegion act on, authorized with the Region the request names (for
    /// kms:ReplicaRegion / kms:PrimaryRegion): it must be a multi-Region primary in a state a cryptographic operation
    /// could use (not disabled, pending deletion or replica deletion, or pending import).
    /// </summary>
    public static async ValueTask<KmsKey> UsePrimaryAsync(KmsCall call, string keyId, string requestRegion)
    {
        call.RequestRegion = requestRegion;
        var key = await call.UseKeyAsync(keyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.Always);
        if (!key.IsMultiRegion || !key.IsPrimary)
        {
            throw NotPrimary(key);
        }
        KeyStateRules.Check(KeyStateRules.Rule.Use, key);
        return key;
    }

    /// <summary>The operation changes a shared property, which only the primary may change.</summary>
    public static void RequirePrimary(KmsKey key)
    {
        if (!key.IsPrimary)
        {
            throw NotPrimary(key);
        }
    }

    /// <summary>A replica Region must be a Region of the primary's partition ("KMS must be available in the replica Region").</summary>
    public static void ValidateReplicaRegion(KmsKey primary, string region)
    {
        if (!AwsRegions.All.Contains(region))
        {
            throw KmsException.Unsupported($"{region} is not a Region where KMS can create a replica key.");
        }
        if (Partition(region) != Partition(primary.Region))
        {
            throw KmsException.Unsupported($"The replica Region {region} is not in the same AWS partition as the primary key {primary.Arn}.");
        }
    }

    private static string Partition(string region) => region switch
    {
        _ when region.StartsWith("cn-", StringComparison.Ordinal) => "aws-cn",
        _ when region.StartsWith("us-gov-", StringComparison.Ordinal) => "aws-us-gov",
        _ when region.StartsWith("us-isob-", StringComparison.Ordinal) => "aws-iso-b",
        _ when region.StartsWith("us-isof-", StringComparison.Ordinal) => "aws-iso-f",
        _ when region.StartsWith("us-iso-", StringComparison.Ordinal) => "aws-iso",
        _ when region.StartsWith("eu-isoe-", StringComparison.Ordinal) => "aws-iso-e",
        _ when region.StartsWith("eusc-", StringComparison.Ordinal) => "aws-eusc",
        _ => "aws",
    };

    /// <summary>
    /// <paramref name="to"/> with the properties every copy shares taken from <paramref name="from"/>. Imported material
    /// is shared by id only: each copy imports the same material itself (ImportKeyMaterial API reference), so a copy
    /// keeps its own import of each version (sealed bytes, expiration) and gets versions it lacks as not yet imported.
    /// </summary>
    public static KmsKey SyncShared(KmsKey from, KmsKey to) => to with
    {
        Materials = from.Origin == Origins.External ? [.. from.Materials.Select(m => Own(to, m))] : from.Materials,
        PendingMaterial = from.Origin == Origins.External && from.PendingMaterial is { } pending ? Own(to, pending) : null,
        RotationEnabled = from.RotationEnabled,
        RotationPeriodInDays = from.RotationPeriodInDays,
        NextRotationDate = from.NextRotationDate,
        OnDemandRotations = from.OnDemandRotations,
        OnDemandRotationStartDate = from.OnDemandRotationStartDate,
    };

    /// <summary><paramref name="shared"/> as <paramref name="copy"/> holds it: its own import, or none yet.</summary>
    private static KeyMaterial Own(KmsKey copy, KeyMaterial shared) => copy.FindAnyMaterial(shared.Id) is { } mine
        ? shared with { Sealed = mine.Sealed, ExpirationModel = mine.ExpirationModel, ValidTo = mine.ValidTo, Description = mine.Description }
        : shared with { Sealed = [], ExpirationModel = null, ValidTo = null, Description = null };

    /// <summary>DescribeKey's MultiRegionConfiguration for <paramref name="key"/>, built from every copy there is.</summary>
    public static MultiRegionConfiguration Configuration(KmsKey key, IReadOnlyList<KmsKey> copies)
    {
        var primary = copies.FirstOrDefault(c => c.IsPrimary) ?? key;
        return new MultiRegionConfiguration(
            key.IsPrimary ? "PRIMARY" : "REPLICA",
            new MultiRegionKey(primary.Arn, primary.Region),
            [.. copies.Where(c => !c.IsPrimary).Select(c => new MultiRegionKey(c.Arn, c.Region))]);
    }
}
