using SseSim.Core.Crypto;
using SseSim.Kms.Model;

namespace SseSim.Kms.Authorization;

/// <summary>
/// Decides whether the caller may perform an action on a key. Placeholder rule until the policy engine lands:
/// callers in the key's account are allowed, others denied.
/// </summary>
public sealed class KeyAuthorizer(KmsStore store, TimeProvider time)
{
    /// <summary>Rejects a policy that is not valid JSON; the full grammar check comes with the policy engine.</summary>
    public void ValidatePolicy(string policy, Core.Aws.Caller caller, bool bypassLockoutCheck)
    {
        _ = caller;
        _ = bypassLockoutCheck;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(policy);
        }
        catch (System.Text.Json.JsonException)
        {
            throw new KmsException("MalformedPolicyDocumentException", "The new key policy will not allow you to update the key policy in the future.");
        }
    }

    public void Authorize(KmsCall call, KmsKey key, string action, EncryptionContext? context, IReadOnlyList<string>? grantTokens)
    {
        _ = store;
        _ = time;
        _ = context;
        _ = grantTokens;
        if (call.Caller.AccountId != key.AccountId)
        {
            throw KmsException.AccessDenied($"User: {call.Caller.Identity.Arn} is not authorized to perform: {action} on resource: {key.Arn} because no resource-based policy allows the {action} action");
        }
    }
}
