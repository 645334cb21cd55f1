namespace SseSim.Kms.Model;

/// <summary>
/// One version of a key's material (an HSM backing key in AWS terms). <see cref="Sealed"/> is the
/// material encrypted under the root key; the clear form never reaches disk.
/// </summary>
public sealed record KeyMaterial
{
    /// <summary>64 lowercase hex characters, as the KMS API spells KeyMaterialId.</summary>
    public required string Id { get; init; }
    public required byte[] Sealed { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>null for the original material, else AUTOMATIC or ON_DEMAND.</summary>
    public string? RotationType { get; init; }
    /// <summary>SubjectPublicKeyInfo DER for asymmetric keys (public, so not sealed).</summary>
    public byte[]? PublicKey { get; init; }
    /// <summary>Imported material only: KEY_MATERIAL_EXPIRES or KEY_MATERIAL_DOES_NOT_EXPIRE.</summary>
    public string? ExpirationModel { get; init; }
    public DateTimeOffset? ValidTo { get; init; }
    public string? Description { get; init; }
}

/// <summary>A KMS key and everything KMS keeps about it. Immutable: every change stores a new instance.</summary>
public sealed record KmsKey
{
    public required string KeyId { get; init; }
    public required string AccountId { get; init; }
    public required string Region { get; init; }
    public required DateTimeOffset CreationDate { get; init; }
    public string Description { get; init; } = "";
    public string KeySpec { get; init; } = "SYMMETRIC_DEFAULT";
    public string KeyUsage { get; init; } = KeyUsages.EncryptDecrypt;
    public string Origin { get; init; } = Origins.AwsKms;
    public string KeyManager { get; init; } = "CUSTOMER";
    public string KeyState { get; init; } = KeyStates.Enabled;
    public DateTimeOffset? DeletionDate { get; init; }
    public int? PendingDeletionWindowInDays { get; init; }
    public required string Policy { get; init; }
    public IReadOnlyList<KmsTag> Tags { get; init; } = [];
    public bool RotationEnabled { get; init; }
    public int? RotationPeriodInDays { get; init; }
    public DateTimeOffset? NextRotationDate { get; init; }
    public DateTimeOffset? OnDemandRotationStartDate { get; init; }
    public int OnDemandRotations { get; init; }
    /// <summary>Every material version ever used; the last one is current. Old ones stay for Decrypt.</summary>
    public IReadOnlyList<KeyMaterial> Materials { get; init; } = [];
    /// <summary>
    /// Imported material waiting for RotateKeyOnDemand (KeyMaterialState PENDING_ROTATION). It encrypts nothing until
    /// the rotation makes it current, so it stays out of <see cref="Materials"/>.
    /// </summary>
    public KeyMaterial? PendingMaterial { get; init; }

    /// <summary>
    /// A multi-Region key's primary Region, the same on every copy (each copy is its own record, in <see cref="Region"/>);
    /// null for a single-Region key.
    /// </summary>
    public string? PrimaryRegion { get; init; }

    public string Arn => _arn.Get(Region, AccountId, KeyId);

    public bool IsMultiRegion => PrimaryRegion is not null;

    /// <summary>A multi-Region primary, or any single-Region key (the only copy there is).</summary>
    public bool IsPrimary => PrimaryRegion is null || PrimaryRegion == Region;

    /// <summary>Whether <paramref name="keyId"/> has the multi-Region form, mrk- and 32 lowercase hex digits.</summary>
    public static bool IsMultiRegionId(string keyId) =>
        keyId.Length == 36 && keyId.StartsWith("mrk-", StringComparison.Ordinal) && keyId.AsSpan(4).IndexOfAnyExcept("0123456789abcdef") < 0;

    // Formatted once per instance (crypto calls read it for the response and the audit); `with` copies the cache, so
    // it is checked against the parts it was built from.
    private CachedArn _arn;
    public bool Enabled => KeyState == KeyStates.Enabled;
    public bool IsAwsManaged => KeyManager == "AWS";
    public KeySpecInfo SpecInfo => KeySpecInfo.All[KeySpec];
    public KeyMaterial? CurrentMaterial => Materials.Count == 0 ? null : Materials[^1];

    /// <summary>A material by id among <see cref="Materials"/> and <see cref="PendingMaterial"/> (what imports and deletes address).</summary>
    public KeyMaterial? FindAnyMaterial(string id) => FindMaterial(id) ?? (PendingMaterial?.Id == id ? PendingMaterial : null);

    /// <summary>This key with <paramref name="change"/> applied to each material, the pending one included, that <paramref name="which"/> selects.</summary>
    public KmsKey WithMaterials(Func<KeyMaterial, bool> which, Func<KeyMaterial, KeyMaterial> change) => this with
    {
        Materials = [.. Materials.Select(m => which(m) ? change(m) : m)],
        PendingMaterial = PendingMaterial is { } p && which(p) ? change(p) : PendingMaterial,
    };

    public KeyMaterial? FindMaterial(string id)
    {
        foreach (var m in Materials)
        {
            if (m.Id == id)
            {
                return m;
            }
        }
        return null;
    }
}

public sealed record KmsTag(string TagKey, string TagValue);

public sealed record KmsAlias
{
    public required string AliasName { get; init; }
    public required string AccountId { get; init; }
    public required string Region { get; init; }
    public required string TargetKeyId { get; init; }
    public required DateTimeOffset CreationDate { get; init; }
    public DateTimeOffset LastUpdatedDate { get; init; }

    public string AliasArn => $"arn:aws:kms:{Region}:{AccountId}:{AliasName}";
}

public sealed record GrantConstraints
{
    public Dictionary<string, string>? EncryptionContextSubset { get; init; }
    public Dictionary<string, string>? EncryptionContextEquals { get; init; }
}

public sealed record KmsGrant
{
    public required string GrantId { get; init; }
    public required string KeyId { get; init; }
    public required string KeyArn { get; init; }
    public string? Name { get; init; }
    public required DateTimeOffset CreationDate { get; init; }
    public string? GranteePrincipal { get; init; }
    public string? RetiringPrincipal { get; init; }
    public required string IssuingAccount { get; init; }
    public required IReadOnlyList<string> Operations { get; init; }
    public GrantConstraints? Constraints { get; init; }
    /// <summary>SHA-256 of the grant token; the token itself is handed out once and never stored.</summary>
    public required string TokenHash { get; init; }
}

/// <summary>
/// A key ARN remembered with the strings it was built from. Equal to every other instance, so it never changes the
/// record equality of <see cref="KmsKey"/>.
/// </summary>
internal struct CachedArn : IEquatable<CachedArn>
{
    private Entry? _entry;

    public string Get(string region, string accountId, string keyId)
    {
        var e = Volatile.Read(ref _entry);
        if (e is null || !ReferenceEquals(e.Region, region) || !ReferenceEquals(e.AccountId, accountId) || !ReferenceEquals(e.KeyId, keyId))
        {
            e = new Entry(region, accountId, keyId, $"arn:aws:kms:{region}:{accountId}:key/{keyId}");
            Volatile.Write(ref _entry, e);
        }
        return e.Arn;
    }

    public readonly bool Equals(CachedArn other) => true;

    public override readonly bool Equals(object? obj) => obj is CachedArn;

    public override readonly int GetHashCode() => 0;

    private sealed record Entry(string Region, string AccountId, string KeyId, string Arn);
}
