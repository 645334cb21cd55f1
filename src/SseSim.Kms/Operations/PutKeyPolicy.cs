namespace SseSim.Kms.Operations;

public sealed record PutKeyPolicyRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public string? PolicyName { get; init; }
    public string? Policy { get; init; }
    public bool? BypassPolicyLockoutSafetyCheck { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.String(PolicyName, "policyName", 1, 128, pattern: ModelPatterns.PolicyNameType);
        errors.String(Policy, "policy", 1, 131072, required: true, pattern: ModelPatterns.PolicyType);
    }
}

public sealed record PutKeyPolicyResponse;

public static class PutKeyPolicy
{
    public static async ValueTask<PutKeyPolicyResponse> ExecuteAsync(KmsCall call, PutKeyPolicyRequest request)
    {
        var policy = request.Policy!;
        KeyPolicyNames.Check(request.PolicyName);
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.Always);
        KeyPolicyNames.RequireSameAccount(call, key);
        // AWS managed key policies already refuse kms:PutKeyPolicy (AccessDenied above); this guards edited stores.
        KmsCall.RequireCustomerManaged(key);
        call.Kms.Authorizer.ValidatePolicy(policy, call.Caller, request.BypassPolicyLockoutSafetyCheck == true, key);
        await call.Kms.UpdateKeyAsync(key, k => k with { Policy = policy }, call.CancellationToken);
        return new PutKeyPolicyResponse();
    }
}
