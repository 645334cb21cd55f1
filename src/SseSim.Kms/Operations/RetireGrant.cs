using SseSim.Kms.Authorization;
using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record RetireGrantRequest : IValidatedRequest
{
    public string? GrantToken { get; init; }
    public string? KeyId { get; init; }
    public string? GrantId { get; init; }
    public bool? DryRun { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(GrantToken, "grantToken", 1, 8192);
        errors.String(KeyId, "keyId", 1, 2048);
        errors.String(GrantId, "grantId", 1, 128);
    }
}

public sealed record RetireGrantResponse
{
    /// <summary>The grant retired: not in the API's (empty) answer, only in CloudTrail's event (ct-retire-grant).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? GrantId { get; init; }
}

public static class RetireGrant
{
    /// <summary>
    /// Identify the grant by token, or by key and grant id. Allowed for the retiring principal, the grantee when the
    /// grant includes RetireGrant, the issuing account, and principals the key policy allows kms:RetireGrant;
    /// an explicit Deny in the key policy still wins.
    /// </summary>
    public static async ValueTask<RetireGrantResponse> ExecuteAsync(KmsCall call, RetireGrantRequest request)
    {
        var kms = call.Kms;
        KmsGrant grant;
        if (request.GrantToken is not null)
        {
            if (!GrantTokens.TryRead(request.GrantToken, out var tokenGrantId, out _))
            {
                throw GrantTokens.Invalid();
            }
            grant = kms.Authorizer.ReadToken(request.GrantToken) ?? throw GrantNotFound(tokenGrantId);
        }
        else
        {
            if (request.KeyId is null || request.GrantId is null)
            {
                throw KmsException.Validation("Either a grant token or both a key ID and a grant ID are required.");
            }
            var owner = await kms.Resolver.ResolveAsync(call.Caller, request.KeyId, KeyIdForms.KeyOnly, call.CancellationToken);
            call.Touch(owner);
            grant = kms.Store.FindGrant(request.GrantId) is { } g && KmsStore.StoreId(g) == KmsStore.StoreId(owner) ? g : throw GrantNotFound(request.GrantId);
        }

        var key = kms.Store.KeyOf(grant) ?? throw GrantNotFound(grant.GrantId);
        call.Touch(key);
        var r = new AuthorizationRequest(call.Caller, call.ViaService, "kms:RetireGrant", key, null);
        var policy = kms.Authorizer.EvaluatePolicy(r);
        if (policy == PolicyDecision.Deny)
        {
            throw KmsException.AccessDenied($"User: {r.PrincipalArn} is not authorized to perform: kms:RetireGrant on resource: {key.Arn} with an explicit deny in a resource-based policy");
        }
        var allowed = policy == PolicyDecision.Allow
            || KeyAuthorizer.PrincipalMatches(grant.RetiringPrincipal, r)
            || (grant.Operations.Contains("RetireGrant") && KeyAuthorizer.PrincipalMatches(grant.GranteePrincipal, r))
            || KeyAuthorizer.PrincipalMatches(grant.IssuingAccount, r);
        if (!allowed)
        {
            throw KeyAuthorizer.NotAllowed(r.PrincipalArn, "kms:RetireGrant", key);
        }
        if (request.DryRun == true)
        {
            throw KmsException.DryRun();
        }
        await Delete(call, grant);
        return new RetireGrantResponse { GrantId = grant.GrantId };
    }

    internal static KmsException GrantNotFound(string grantId) => KmsException.NotFound($"Grant ID {grantId} not found");

    internal static async ValueTask Delete(KmsCall call, KmsGrant grant)
    {
        var store = call.Kms.Store;
        await store.WriteLock.WaitAsync(call.CancellationToken);
        try
        {
            if (store.FindGrant(grant.GrantId) is { } current)
            {
                await store.DeleteGrantAsync(current, call.CancellationToken);
            }
            call.Kms.Authorizer.GrantRemoved(grant);
        }
        finally
        {
            store.WriteLock.Release();
        }
    }
}
