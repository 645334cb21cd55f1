namespace SseSim.Kms.Operations;

public sealed record ListKeyPoliciesRequest : IValidatedRequest
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

public sealed record ListKeyPoliciesResponse(IReadOnlyList<string> PolicyNames, string? NextMarker, bool Truncated);

public static class ListKeyPolicies
{
    public static async ValueTask<ListKeyPoliciesResponse> ExecuteAsync(KmsCall call, ListKeyPoliciesRequest request)
    {
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.Always);
        KeyPolicyNames.RequireSameAccount(call, key);
        var (page, next) = Paging.Take([KeyPolicyNames.Default], n => n, request.Limit, request.Marker, 100);
        return new ListKeyPoliciesResponse(page, next, next is not null);
    }
}
