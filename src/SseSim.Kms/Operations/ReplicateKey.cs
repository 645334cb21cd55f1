namespace SseSim.Kms.Operations;

public sealed record ReplicateKeyRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public string? ReplicaRegion { get; init; }
    public string? Policy { get; init; }
    public bool? BypassPolicyLockoutSafetyCheck { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<Tag>? Tags { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.String(ReplicaRegion, "replicaRegion", 1, 32, required: true, pattern: ModelPatterns.RegionType);
        errors.String(Policy, "policy", 1, 131072, pattern: ModelPatterns.PolicyType);
        errors.String(Description, "description", 0, 8192);
        errors.Tags(Tags, "tags");
    }
}

public sealed record ReplicateKeyResponse;

/// <summary>
/// SseSim creates only single-Region keys (CreateKey refuses MultiRegion), and AWS refuses to replicate a
/// single-Region key with UnsupportedOperationException; the key must still exist and the caller may read it.
/// </summary>
public static class ReplicateKey
{
    public static async ValueTask<ReplicateKeyResponse> ExecuteAsync(KmsCall call, ReplicateKeyRequest request)
    {
        var key = await call.UseKeyAsync(request.KeyId!, KeyIdForms.KeyOnly, KeyStateRules.Rule.Always);
        throw MultiRegion.NotMultiRegion(key);
    }
}

/// <summary>The answer for multi-Region operations on the single-Region keys SseSim has.</summary>
public static class MultiRegion
{
    public static KmsException NotMultiRegion(Model.KmsKey key) =>
        KmsException.Unsupported($"{key.Arn} is not a multi-Region key.");
}
