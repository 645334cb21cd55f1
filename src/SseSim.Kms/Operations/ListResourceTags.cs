namespace SseSim.Kms.Operations;

public sealed record ListResourceTagsRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public int? Limit { get; init; }
    public string? Marker { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.Range(Limit, "limit", 1, 1000);
        errors.String(Marker, "marker", 1, 1024, pattern: ModelPatterns.MarkerType);
    }
}

public sealed record ListResourceTagsResponse(IReadOnlyList<Tag> Tags, string? NextMarker, bool Truncated);

public static class ListResourceTags
{
    public static async ValueTask<ListResourceTagsResponse> ExecuteAsync(KmsCall call, ListResourceTagsRequest request)
    {
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.Always);
        var (page, next) = Paging.Take(key.Tags.OrderBy(t => t.TagKey, StringComparer.Ordinal), t => t.TagKey, request.Limit, request.Marker, 50);
        return new ListResourceTagsResponse(page.Select(t => new Tag(t.TagKey, t.TagValue)).ToList(), next, next is not null);
    }
}
