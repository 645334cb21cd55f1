using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

// Shapes shared by several operations, named and spelled as in the KMS API model (botocore kms/2014-11-01).

public sealed record Tag(string TagKey, string TagValue);

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
    public int? PendingDeletionWindowInDays { get; init; }
    public IReadOnlyList<string>? MacAlgorithms { get; init; }
    public string? CurrentKeyMaterialId { get; init; }

    public static KeyMetadata From(KmsKey key)
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
            CustomerMasterKeySpec = key.KeySpec,
            KeySpec = key.KeySpec,
            EncryptionAlgorithms = spec.EncryptionAlgorithms(key.KeyUsage),
            SigningAlgorithms = spec.SigningAlgorithms(key.KeyUsage),
            KeyAgreementAlgorithms = spec.KeyAgreementAlgorithms(key.KeyUsage),
            MultiRegion = false,
            PendingDeletionWindowInDays = key.KeyState == KeyStates.PendingDeletion ? key.PendingDeletionWindowInDays : null,
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
        var size = limit ?? defaultLimit;
        if (size is < 1 or > 1000)
        {
            throw KmsException.ConstraintViolation(size.ToString(System.Globalization.CultureInfo.InvariantCulture), "limit", size < 1 ? "have value greater than or equal to 1" : "have value less than or equal to 1000");
        }
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

public static class Validate
{
    public static void Length(string? value, string member, int min, int max)
    {
        if (value is null)
        {
            return;
        }
        if (value.Length < min)
        {
            throw KmsException.ConstraintViolation(value, member, $"have length greater than or equal to {min}");
        }
        if (value.Length > max)
        {
            throw KmsException.ConstraintViolation(value, member, $"have length less than or equal to {max}");
        }
    }

    public static T Required<T>(T? value, string member) where T : class =>
        value ?? throw KmsException.ConstraintViolation("null", member, "not be null");

    public static void OneOf(string? value, string member, IEnumerable<string> allowed)
    {
        if (value is not null && !allowed.Contains(value))
        {
            throw KmsException.ConstraintViolation(value, member, $"satisfy enum value set: [{string.Join(", ", allowed)}]");
        }
    }

    public static void Tags(IReadOnlyList<Tag>? tags)
    {
        if (tags is null)
        {
            return;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tags.Count; i++)
        {
            var t = tags[i];
            // Both members are required by the model; JSON can still leave them out (found by the KmsRequest fuzz target).
            if (t is null || t.TagKey is null || t.TagValue is null)
            {
                throw KmsException.ConstraintViolation("null", $"tags.{i + 1}.member.{(t?.TagKey is null ? "tagKey" : "tagValue")}", "not be null");
            }
            Length(t.TagKey, "tags.member.tagKey", 1, 128);
            Length(t.TagValue, "tags.member.tagValue", 0, 256);
            if (t.TagKey.StartsWith("aws:", StringComparison.Ordinal))
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
