namespace SseSim.Kms.Operations;

public sealed record ListKeyPoliciesRequest
{
    public string? KeyId { get; init; }
    public int? Limit { get; init; }
    public string? Marker { get; init; }
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
