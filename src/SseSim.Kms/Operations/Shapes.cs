using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

// Shapes shared by several operations, named and spelled as in the KMS API model (botocore kms/2014-11-01).

public sealed record Tag(string TagKey, string TagValue);

public sealed record MultiRegionKey(string Arn, string Region);

public sealed record MultiRegionConfiguration(string MultiRegionKeyType, MultiRegionKey PrimaryKey, IReadOnlyList<MultiRegionKey> ReplicaKeys);

public sealed record KeyMetadata
{
    public string? AWSAccountId { get; init; }
    public required string KeyId { get; init; }
    public string? Arn { get; init; }
    public DateTimeOffset? CreationDate { get; init; }
    public bool Enabled { get; init; }
    public string? Description { get; init; }
    public string? KeyUsage { get; init; }
    public string? KeyState { get; init; }
    public DateTimeOffset? DeletionDate { get; init; }
    public DateTimeOffset? ValidTo { get; init; }
    public string? Origin { get; init; }
    public string? ExpirationModel { get; init; }
    public string? KeyManager { get; init; }
    public string? CustomerMasterKeySpec { get; init; }
    public string? KeySpec { get; init; }
    public IReadOnlyList<string>? EncryptionAlgorithms { get; init; }
    public IReadOnlyList<string>? SigningAlgorithms { get; init; }
    public IReadOnlyList<string>? KeyAgreementAlgorithms { get; init; }
    public bool? MultiRegion { get; init; }
    public MultiRegionConfiguration? MultiRegionConfiguration { get; init; }
    public int? PendingDeletionWindowInDays { get; init; }
    public IReadOnlyList<string>? MacAlgorithms { get; init; }
    public string? CurrentKeyMaterialId { get; init; }

    /// <summary>
    /// The deprecated CustomerMasterKeySpec: the key spec while it is one of that enum's values; AWS leaves it out for
    /// the specs added after it (ML-DSA in the CLI reference's create-key example; Ed25519 by the same model enum).
    /// </summary>
    public static string? LegacySpec(string keySpec) => ModelEnums.CustomerMasterKeySpec.Contains(keySpec) ? keySpec : null;

    /// <param name="copies">Every copy of a multi-Region key (<see cref="KmsStore.Copies"/>); unused for a single-Region key.</param>
    public static KeyMetadata From(KmsKey key, IReadOnlyList<KmsKey>? copies = null)
    {
        var spec = key.SpecInfo;
        var material = key.CurrentMaterial;
        return new KeyMetadata
        {
            AWSAccountId = key.AccountId,
            KeyId = key.KeyId,
            Arn = key.Arn,
            CreationDate = key.CreationDate,
            Enabled = key.Enabled,
            Description = key.Description,
            KeyUsage = key.KeyUsage,
            KeyState = key.KeyState,
            DeletionDate = key.KeyState == KeyStates.PendingDeletion ? key.DeletionDate : null,
            ValidTo = key.Origin == Origins.External ? material?.ValidTo : null,
            Origin = key.Origin,
            ExpirationModel = key.Origin == Origins.External && key.KeyState != KeyStates.PendingImport ? material?.ExpirationModel : null,
            KeyManager = key.KeyManager,
            CustomerMasterKeySpec = LegacySpec(key.KeySpec),
            KeySpec = key.KeySpec,
            EncryptionAlgorithms = spec.EncryptionAlgorithms(key.KeyUsage),
            SigningAlgorithms = spec.SigningAlgorithms(key.KeyUsage),
            KeyAgreementAlgorithms = spec.KeyAgreementAlgorithms(key.KeyUsage),
            MultiRegion = key.IsMultiRegion,
            MultiRegionConfiguration = key.IsMultiRegion ? Operations.MultiRegion.Configuration(key, copies ?? [key]) : null,
            // AWS shows it only in PendingReplicaDeletion (a multi-Region primary waiting for its replicas); a key
            // pending deletion shows just DeletionDate.
            PendingDeletionWindowInDays = key.KeyState == KeyStates.PendingReplicaDeletion ? key.PendingDeletionWindowInDays : null,
            MacAlgorithms = spec.MacAlgorithms(key.KeyUsage),
            CurrentKeyMaterialId = key.KeyState == KeyStates.PendingImport || !spec.IsSymmetric ? null : material?.Id,
        };
    }
}

/// <summary>Limit/Marker pagination shared by the List* operations. The marker is the last item's sort key.</summary>
public static class Paging
{
    public static (List<T> Page, string? NextMarker) Take<T>(IEnumerable<T> ordered, Func<T, string> sortKey, int? limit, string? marker, int defaultLimit)
    {
        // Limit's 1..1000 range is a model constraint, checked at the front door.
        var size = limit ?? defaultLimit;
        string? after = null;
        if (marker is not null)
        {
            try
            {
                after = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(marker));
            }
            catch (FormatException)
            {
                throw KmsException.InvalidMarker();
            }
        }
        var items = ordered.Where(x => after is null || string.CompareOrdinal(sortKey(x), after) > 0).Take(size + 1).ToList();
        if (items.Count <= size)
        {
            return (items, null);
        }
        items.RemoveAt(size);
        return (items, Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(sortKey(items[^1]))));
    }
}

/// <summary>KMS's own tag rules, beyond the model's lengths (checked at the front door): TagException, not ValidationException.</summary>
public static class Validate
{
    public static void Tags(IReadOnlyList<Tag>? tags)
    {
        if (tags is null)
        {
            return;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tags)
        {
            // AWS refuses the prefix in any case ("AWS:key" too), though the message spells it lower-case.
            if (t.TagKey.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                throw new KmsException("TagException", "Tags beginning with aws: are reserved");
            }
            if (!seen.Add(t.TagKey))
            {
                throw new KmsException("TagException", "Duplicate tag keys");
            }
        }
        if (tags.Count > 50)
        {
            throw new KmsException("TagException", "Too many tags");
        }
    }
}
