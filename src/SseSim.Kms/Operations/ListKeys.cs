namespace SseSim.Kms.Operations;

public sealed record ListKeysRequest : IValidatedRequest
{
    public int? Limit { get; init; }
    public string? Marker { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.Range(Limit, "limit", 1, 1000);
        errors.String(Marker, "marker", 1, 1024, pattern: ModelPatterns.MarkerType);
    }
}

public sealed record KeyListEntry(string KeyId, string KeyArn);

public sealed record ListKeysResponse(IReadOnlyList<KeyListEntry> Keys, string? NextMarker, bool Truncated);

public static class ListKeys
{
    public static ValueTask<ListKeysResponse> ExecuteAsync(KmsCall call, ListKeysRequest request)
    {
        // ListKeys is authorized by IAM, not by key policies: an account sees all of its own keys.
        // A Region lists its own multi-Region copies and the single-Region keys (which every Region serves).
        var region = call.Kms.Resolver.RegionOf(call.Caller);
        var keys = call.Kms.Store.Keys.Where(k => k.AccountId == call.Caller.AccountId && (!k.IsMultiRegion || k.Region == region))
            .OrderBy(k => k.KeyId, StringComparer.Ordinal);
        var (page, next) = Paging.Take(keys, k => k.KeyId, request.Limit, request.Marker, 100);
        return ValueTask.FromResult(new ListKeysResponse(page.Select(k => new KeyListEntry(k.KeyId, k.Arn)).ToList(), next, next is not null));
    }
}
