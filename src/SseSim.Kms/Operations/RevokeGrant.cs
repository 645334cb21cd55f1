namespace SseSim.Kms.Operations;

public sealed record RevokeGrantRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public string? GrantId { get; init; }
    public bool? DryRun { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.String(GrantId, "grantId", 1, 128, required: true);
    }
}

public sealed record RevokeGrantResponse;

public static class RevokeGrant
{
    /// <summary>Needs kms:RevokeGrant from the key policy; grants cannot confer it (it is no grant operation).</summary>
    public static async ValueTask<RevokeGrantResponse> ExecuteAsync(KmsCall call, RevokeGrantRequest request)
    {
        var grantId = request.GrantId!;
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.Always);
        var grant = call.Kms.Store.FindGrant(grantId) is { } g && KmsStore.StoreId(g) == KmsStore.StoreId(key) ? g : throw RetireGrant.GrantNotFound(grantId);
        if (request.DryRun == true)
        {
            throw KmsException.DryRun();
        }
        await RetireGrant.Delete(call, grant);
        return new RevokeGrantResponse();
    }
}
