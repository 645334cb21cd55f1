namespace SseSim.Kms.Operations;

public sealed record ListRetirableGrantsRequest : IValidatedRequest
{
    public int? Limit { get; init; }
    public string? Marker { get; init; }
    public string? RetiringPrincipal { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.Range(Limit, "limit", 1, 1000);
        errors.String(Marker, "marker", 1, 1024, pattern: ModelPatterns.MarkerType);
        errors.String(RetiringPrincipal, "retiringPrincipal", 1, 256, required: true, pattern: ModelPatterns.PrincipalIdType);
    }
}

public static class ListRetirableGrants
{
    /// <summary>
    /// Authorized by IAM in the caller's account (model doc), which SseSim treats as allowed. Lists grants on keys
    /// of any account whose RetiringPrincipal is exactly the one asked for.
    /// </summary>
    public static ValueTask<ListGrantsResponse> ExecuteAsync(KmsCall call, ListRetirableGrantsRequest request)
    {
        var principal = request.RetiringPrincipal!;
        var grants = call.Kms.Store.Grants
            .Where(g => g.RetiringPrincipal == principal)
            .OrderBy(g => g.KeyId + "/" + g.GrantId, StringComparer.Ordinal);
        var (page, next) = Paging.Take(grants, g => g.KeyId + "/" + g.GrantId, request.Limit, request.Marker, 50);
        return ValueTask.FromResult(new ListGrantsResponse(page.Select(GrantListEntry.From).ToList(), next, next is not null));
    }
}
