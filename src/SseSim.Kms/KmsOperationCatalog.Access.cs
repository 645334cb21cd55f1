using SseSim.Kms.Operations;

namespace SseSim.Kms;

public static partial class KmsOperationCatalog
{
    private static void RegisterAccess(IKmsOperationRegistry r)
    {
        r.Add<GetKeyPolicyRequest, GetKeyPolicyResponse>("GetKeyPolicy", GetKeyPolicy.ExecuteAsync);
        r.Add<PutKeyPolicyRequest, PutKeyPolicyResponse>("PutKeyPolicy", PutKeyPolicy.ExecuteAsync);
        r.Add<ListKeyPoliciesRequest, ListKeyPoliciesResponse>("ListKeyPolicies", ListKeyPolicies.ExecuteAsync);
        r.Add<CreateGrantRequest, CreateGrantResponse>("CreateGrant", CreateGrant.ExecuteAsync);
        r.Add<ListGrantsRequest, ListGrantsResponse>("ListGrants", ListGrants.ExecuteAsync);
        r.Add<ListRetirableGrantsRequest, ListGrantsResponse>("ListRetirableGrants", ListRetirableGrants.ExecuteAsync);
        r.Add<RetireGrantRequest, RetireGrantResponse>("RetireGrant", RetireGrant.ExecuteAsync);
        r.Add<RevokeGrantRequest, RevokeGrantResponse>("RevokeGrant", RevokeGrant.ExecuteAsync);
    }
}
