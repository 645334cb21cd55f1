using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record ListKeyRotationsRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public string? IncludeKeyMaterial { get; init; }
    public int? Limit { get; init; }
    public string? Marker { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.Enum(IncludeKeyMaterial, "includeKeyMaterial", ModelEnums.IncludeKeyMaterial);
        errors.Range(Limit, "limit", 1, 1000);
        errors.String(Marker, "marker", 1, 1024, pattern: ModelPatterns.MarkerType);
    }
}

public sealed record RotationsListEntry
{
    public required string KeyId { get; init; }
    public string? KeyMaterialId { get; init; }
    public string? KeyMaterialDescription { get; init; }
    public string? ImportState { get; init; }
    public string? KeyMaterialState { get; init; }
    public string? ExpirationModel { get; init; }
    public DateTimeOffset? ValidTo { get; init; }
    public DateTimeOffset? RotationDate { get; init; }
    public string? RotationType { get; init; }
}

public sealed record ListKeyRotationsResponse(IReadOnlyList<RotationsListEntry> Rotations, string? NextMarker, bool Truncated);

public static class ListKeyRotations
{
    public static async ValueTask<ListKeyRotationsResponse> ExecuteAsync(KmsCall call, ListKeyRotationsRequest request)
    {
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.ReadRotation);
        if (!key.SpecInfo.IsSymmetric)
        {
            throw KmsException.Unsupported($"{key.Arn} does not support key rotation.");
        }
        var all = request.IncludeKeyMaterial == "ALL_KEY_MATERIAL";
        var entries = key.Materials
            .Select((m, i) => (Material: m, State: i == key.Materials.Count - 1 ? "CURRENT" : "NON_CURRENT"))
            .Where(x => all || x.Material.RotationType is not null)
            .Select(x => Entry(key, x.Material, x.State));
        if (all && key.PendingMaterial is { } pending)
        {
            entries = entries.Append(Entry(key, pending, "PENDING_ROTATION"));
        }
        // Materials are in rotation order; the marker is the position, zero-padded so it sorts.
        var (page, next) = Paging.Take(entries.Select((e, i) => (Entry: e, Order: i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture))), x => x.Order, request.Limit, request.Marker, 100);
        return new ListKeyRotationsResponse(page.Select(x => x.Entry).ToList(), next, next is not null);
    }

    /// <summary>The import fields are only present for imported (EXTERNAL) keys, as AWS documents each of them.</summary>
    private static RotationsListEntry Entry(KmsKey key, KeyMaterial m, string state)
    {
        var imported = key.Origin == Origins.External;
        return new RotationsListEntry
        {
            KeyId = key.Arn,
            KeyMaterialId = m.Id,
            KeyMaterialDescription = imported ? m.Description : null,
            ImportState = imported ? (m.Sealed.Length > 0 ? "IMPORTED" : "PENDING_IMPORT") : null,
            KeyMaterialState = state,
            ExpirationModel = imported ? m.ExpirationModel : null,
            ValidTo = imported ? m.ValidTo : null,
            RotationDate = m.RotationType is null ? null : m.CreatedAt,
            RotationType = m.RotationType,
        };
    }
}
