using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record ListGrantsRequest : IValidatedRequest
{
    public int? Limit { get; init; }
    public string? Marker { get; init; }
    public string? KeyId { get; init; }
    public string? GrantId { get; init; }
    public string? GranteePrincipal { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.Range(Limit, "limit", 1, 1000);
        errors.String(Marker, "marker", 1, 1024, pattern: ModelPatterns.MarkerType);
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.String(GrantId, "grantId", 1, 128);
        errors.String(GranteePrincipal, "granteePrincipal", 1, 256, pattern: ModelPatterns.PrincipalIdType);
    }
}

/// <summary>GrantListEntry as the model spells it; KeyId is the key ARN, IssuingAccount the issuer's root ARN.</summary>
public sealed record GrantListEntry
{
    public required string KeyId { get; init; }
    public required string GrantId { get; init; }
    public string? Name { get; init; }
    public DateTimeOffset CreationDate { get; init; }
    public string? GranteePrincipal { get; init; }
    public string? RetiringPrincipal { get; init; }
    public required string IssuingAccount { get; init; }
    public required IReadOnlyList<string> Operations { get; init; }
    public GrantConstraints? Constraints { get; init; }

    public static GrantListEntry From(KmsGrant g) => new()
    {
        KeyId = g.KeyArn,
        GrantId = g.GrantId,
        Name = g.Name,
        CreationDate = g.CreationDate,
        GranteePrincipal = g.GranteePrincipal,
        RetiringPrincipal = g.RetiringPrincipal,
        IssuingAccount = g.IssuingAccount,
        Operations = g.Operations,
        Constraints = g.Constraints,
    };
}

public sealed record ListGrantsResponse(IReadOnlyList<GrantListEntry> Grants, string? NextMarker, bool Truncated);

public static class ListGrants
{
    public static async ValueTask<ListGrantsResponse> ExecuteAsync(KmsCall call, ListGrantsRequest request)
    {
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.Always);
        var grants = call.Kms.Authorizer.GrantsOf(key);
        if (request.GrantId is not null)
        {
            // Guess at AWS behaviour: an id that names no grant of this key is an invalid grant id.
            grants = grants.Where(g => g.GrantId == request.GrantId).ToList();
            if (!grants.Any())
            {
                throw new KmsException("InvalidGrantIdException", $"Grant ID {request.GrantId} not found");
            }
        }
        if (request.GranteePrincipal is not null)
        {
            grants = grants.Where(g => g.GranteePrincipal == request.GranteePrincipal);
        }
        var ordered = grants.OrderBy(g => g.GrantId, StringComparer.Ordinal);
        var (page, next) = Paging.Take(ordered, g => g.GrantId, request.Limit, request.Marker, 50);
        return new ListGrantsResponse(page.Select(GrantListEntry.From).ToList(), next, next is not null);
    }
}
