namespace SseSim.Kms.Operations;

public sealed record GetKeyPolicyRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public string? PolicyName { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.String(PolicyName, "policyName", 1, 128, pattern: ModelPatterns.PolicyNameType);
    }
}

public sealed record GetKeyPolicyResponse(string Policy, string PolicyName);

public static class GetKeyPolicy
{
    public static async ValueTask<GetKeyPolicyResponse> ExecuteAsync(KmsCall call, GetKeyPolicyRequest request)
    {
        var name = KeyPolicyNames.Check(request.PolicyName);
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.Always);
        KeyPolicyNames.RequireSameAccount(call, key);
        return new GetKeyPolicyResponse(key.Policy, name);
    }
}

/// <summary>A key has exactly one policy, named "default" (model doc for PolicyName).</summary>
public static class KeyPolicyNames
{
    public const string Default = "default";

    public static string Check(string? policyName)
    {
        if (policyName is null)
        {
            return Default;
        }
        if (policyName != Default)
        {
            throw KmsException.NotFound("No such policy exists");
        }
        return Default;
    }

    /// <summary>Key policy operations are not cross-account (model doc: "Cross-account use: No").</summary>
    public static void RequireSameAccount(KmsCall call, Model.KmsKey key)
    {
        if (key.AccountId != call.Caller.AccountId)
        {
            throw Authorization.KeyAuthorizer.NotAllowed(call.Caller.Identity.Arn, "kms:" + call.Operation, key);
        }
    }
}
