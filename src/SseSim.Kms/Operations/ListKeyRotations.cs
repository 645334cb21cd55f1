using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record ListKeyRotationsRequest
{
    public string? KeyId { get; init; }
    public string? IncludeKeyMaterial { get; init; }
    public int? Limit { get; init; }
    public string? Marker { get; init; }
}

public sealed record RotationsListEntry
{
    public required string KeyId { get; init; }
    public string? KeyMaterialId { get; init; }
    public string? KeyMaterialState { get; init; }
    public DateTimeOffset? RotationDate { get; init; }
    public string? RotationType { get; init; }
}

public sealed record ListKeyRotationsResponse(IReadOnlyList<RotationsListEntry> Rotations, string? NextMarker, bool Truncated);

public static class ListKeyRotations
{
    public static async ValueTask<ListKeyRotationsResponse> ExecuteAsync(KmsCall call, ListKeyRotationsRequest request)
    {
        Validate.OneOf(request.IncludeKeyMaterial, "includeKeyMaterial", ["ALL_KEY_MATERIAL", "ROTATIONS_ONLY"]);
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.ReadRotation);
        if (!key.SpecInfo.IsSymmetric)
        {
            throw KmsException.Unsupported($"{key.Arn} does not support key rotation.");
        }
        var all = request.IncludeKeyMaterial == "ALL_KEY_MATERIAL";
        var entries = key.Materials
            .Select((m, i) => (Material: m, Index: i))
            .Where(x => all || x.Material.RotationType is not null)
            .Select(x => new RotationsListEntry
            {
                KeyId = key.Arn,
                KeyMaterialId = x.Material.Id,
                KeyMaterialState = x.Index == key.Materials.Count - 1 ? "CURRENT" : "NON_CURRENT",
                RotationDate = x.Material.RotationType is null ? null : x.Material.CreatedAt,
                RotationType = x.Material.RotationType,
            });
        // Materials are in rotation order; the marker is the position, zero-padded so it sorts.
        var (page, next) = Paging.Take(entries.Select((e, i) => (Entry: e, Order: i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture))), x => x.Order, request.Limit, request.Marker, 100);
        return new ListKeyRotationsResponse(page.Select(x => x.Entry).ToList(), next, next is not null);
    }
}
