namespace SseSim.Kms.Operations;

public sealed record RevokeGrantRequest
{
    public string? KeyId { get; init; }
    public string? GrantId { get; init; }
    public bool? DryRun { get; init; }
}

public sealed record RevokeGrantResponse;

public static class RevokeGrant
{
    /// <summary>Needs kms:RevokeGrant from the key policy; grants cannot confer it (it is no grant operation).</summary>
    public static async ValueTask<RevokeGrantResponse> ExecuteAsync(KmsCall call, RevokeGrantRequest request)
    {
        var grantId = Validate.Required(request.GrantId, "grantId");
        Validate.Length(grantId, "grantId", 1, 128);
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.Always);
        var grant = call.Kms.Store.FindGrant(grantId) is { } g && g.KeyId == key.KeyId ? g : throw RetireGrant.GrantNotFound(grantId);
        if (request.DryRun == true)
        {
            throw KmsException.DryRun();
        }
        await RetireGrant.Delete(call, grant);
        return new RevokeGrantResponse();
    }
}
