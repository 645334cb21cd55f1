using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using SseSim.Core.Aws;
using SseSim.Core.Crypto;
using SseSim.Kms.Model;

namespace SseSim.Kms.Authorization;

/// <summary>
/// Decides whether a caller may perform a kms: action on a key, the way AWS KMS does (reference kms.md §4.4):
/// an explicit Deny in the key policy wins; otherwise an Allow in the key policy, or a grant for the caller
/// (subject to its encryption-context constraints), permits the call; anything else is AccessDenied.
/// </summary>
/// <remarks>
/// SseSim has no IAM policies. A key policy statement naming an account ("111122223333" or its root ARN)
/// delegates to that account's IAM policies in AWS; here every identity of that account is treated as
/// IAM-allowed. The same rule applies to grants whose grantee or retiring principal is an account.
/// Service grants: EBS creates grants for "arn:aws:sts::ACCT:assumed-role/aws:ec2-infrastructure/i-…" (AWS's
/// form) or "ACCT:aws:ec2-infrastructure:i-…". SseSim callers never carry an instance identity, so such a grantee
/// matches any caller of account ACCT whose <see cref="Caller.ViaService"/> is that service ("ec2"): the EBS
/// domain calls KMS with the volume owner's identity and ViaService "ec2".
/// </remarks>
public sealed class KeyAuthorizer(KmsStore store, TimeProvider time)
{
    public const int MaxPolicyBytes = 32_768;
    public const int MaxGrantTokens = 10;
    private const string LockoutMessage = "The new key policy will not allow you to update the key policy in the future.";

    private readonly ConditionalWeakTable<string, KeyPolicyDocument> _policies = new();
    // StoreId → (grantId → grant). Built lazily from the store, then kept current by GrantAdded/GrantRemoved.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, KmsGrant>> _grants = new(StringComparer.Ordinal);
    private volatile CachedPolicy? _lastPolicy;

    /// <summary>Operations whose requests carry an encryption context: the only ones grant constraints restrict.</summary>
    private static readonly HashSet<string> ContextOperations = new(StringComparer.Ordinal)
    {
        "Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
    };

    public TimeProvider Time { get; } = time;

    /// <summary>Checks a policy's size, characters and grammar, and (unless bypassed) that the caller can still PutKeyPolicy.</summary>
    public void ValidatePolicy(string policy, Caller caller, bool bypassLockoutCheck) =>
        ValidatePolicy(policy, caller, bypassLockoutCheck, null);

    public KeyPolicyDocument ValidatePolicy(string policy, Caller caller, bool bypassLockoutCheck, KmsKey? key)
    {
        if (string.IsNullOrEmpty(policy))
        {
            throw KmsException.ConstraintViolation("", "policy", "have length greater than or equal to 1");
        }
        if (policy.Length > 131_072)
        {
            throw KmsException.ConstraintViolation("...", "policy", "have length less than or equal to 131072");
        }
        foreach (var c in policy)
        {
            if (c > '\u00FF' || (c < ' ' && c is not ('\t' or '\n' or '\r')))
            {
                throw KmsException.Validation(@"1 validation error detected: Value at 'policy' failed to satisfy constraint: Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+");
            }
        }
        // The model documents LimitExceededException for a policy over the 32 KB resource quota.
        if (Encoding.UTF8.GetByteCount(policy) > MaxPolicyBytes)
        {
            throw KmsException.LimitExceeded($"The key policy exceeds the maximum size of {MaxPolicyBytes} bytes.");
        }
        var document = KeyPolicyDocument.Parse(policy);
        _policies.AddOrUpdate(policy, document);
        if (!bypassLockoutCheck)
        {
            var request = new AuthorizationRequest(caller, AuthorizationRequest.ViaServiceOf(caller, caller.Region), "kms:PutKeyPolicy", key, null, bypassLockoutCheck: false);
            if (document.Evaluate(request) != PolicyDecision.Allow)
            {
                throw KeyPolicyDocument.Malformed(LockoutMessage);
            }
        }
        return document;
    }

    public void Authorize(KmsCall call, KmsKey key, string action, EncryptionContext? context, IReadOnlyList<string>? grantTokens) =>
        Authorize(call, key, action, context, grantTokens, null);

    /// <summary>Authorizes with CreateGrant's request values available to conditions and to grant-chaining rules.</summary>
    public void Authorize(KmsCall call, KmsKey key, string action, EncryptionContext? context, IReadOnlyList<string>? grantTokens, GrantRequestFacts? grant)
    {
        ValidateGrantTokens(grantTokens);
        var request = new AuthorizationRequest(call.Caller, call.ViaService, action, key, context, grant, requestRegion: call.RequestRegion);
        switch (Decide(request))
        {
            case PolicyDecision.Allow:
                return;
            case PolicyDecision.Deny:
                throw KmsException.AccessDenied($"User: {request.PrincipalArn} is not authorized to perform: {action} on resource: {key.Arn} with an explicit deny in a resource-based policy");
            default:
                throw NotAllowed(request.PrincipalArn, action, key);
        }
    }

    public static KmsException NotAllowed(string principalArn, string action, KmsKey key) =>
        KmsException.AccessDenied($"User: {principalArn} is not authorized to perform: {action} on resource: {key.Arn} because no resource-based policy allows the {action} action");

    /// <summary>The full decision: Deny (explicit), Allow (policy or grant) or NotApplicable (refused).</summary>
    public PolicyDecision Decide(in AuthorizationRequest request)
    {
        var decision = PolicyFor(request.Key!).Evaluate(request);
        if (decision == PolicyDecision.NotApplicable && GrantAllows(request))
        {
            return PolicyDecision.Allow;
        }
        return decision;
    }

    /// <summary>The key policy alone (no grants): for decisions AWS bases on the policy only.</summary>
    public PolicyDecision EvaluatePolicy(in AuthorizationRequest request) => PolicyFor(request.Key!).Evaluate(request);

    public KeyPolicyDocument PolicyFor(KmsKey key)
    {
        // Hot keys hit the one-entry cache (a reference compare); the weak table holds every other parsed policy.
        var last = _lastPolicy;
        if (last is not null && ReferenceEquals(last.Text, key.Policy))
        {
            return last.Document;
        }
        var document = _policies.GetValue(key.Policy, static policy =>
        {
            try
            {
                return KeyPolicyDocument.Parse(policy);
            }
            catch (KmsException)
            {
                // Policies are validated before they are stored; one that no longer parses allows nothing.
                return KeyPolicyDocument.Empty;
            }
        });
        _lastPolicy = new CachedPolicy(key.Policy, document);
        return document;
    }

    private sealed record CachedPolicy(string Text, KeyPolicyDocument Document);

    /// <summary>At most 10 tokens, each one we issued; a token for a grant that has since gone is ignored, as AWS ignores stale tokens.</summary>
    public void ValidateGrantTokens(IReadOnlyList<string>? grantTokens)
    {
        if (grantTokens is null || grantTokens.Count == 0)
        {
            return;
        }
        if (grantTokens.Count > MaxGrantTokens)
        {
            throw KmsException.ConstraintViolation("[...]", "grantTokens", "have length less than or equal to 10");
        }
        foreach (var token in grantTokens)
        {
            ReadToken(token);
        }
    }

    /// <summary>The live grant a token names, null if it has been retired or revoked; InvalidGrantTokenException if it is not a token.</summary>
    public KmsGrant? ReadToken(string? token)
    {
        if (token is null || !GrantTokens.TryRead(token, out var grantId, out var hash))
        {
            throw GrantTokens.Invalid();
        }
        var grant = store.FindGrant(grantId);
        if (grant is null)
        {
            return null;
        }
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(hash), Encoding.ASCII.GetBytes(grant.TokenHash)))
        {
            throw GrantTokens.Invalid();
        }
        return grant;
    }

    public IEnumerable<KmsGrant> GrantsOf(KmsKey key) => IndexFor(KmsStore.StoreId(key)).Values;

    public int GrantCount(KmsKey key) => IndexFor(KmsStore.StoreId(key)).Count;

    /// <summary>Call after a grant is stored, so authorization sees it at once (AWS is eventually consistent; SseSim is not).</summary>
    public void GrantAdded(KmsGrant grant) => IndexFor(KmsStore.StoreId(grant))[grant.GrantId] = grant;

    public void GrantRemoved(KmsGrant grant) => IndexFor(KmsStore.StoreId(grant)).TryRemove(grant.GrantId, out _);

    /// <summary>Drops a deleted key's grant index: a multi-Region copy replicated again into its Region starts with none.</summary>
    public void KeyPurged(KmsKey key) => _grants.TryRemove(KmsStore.StoreId(key), out _);

    // Keyed by KmsStore.StoreId: each copy of a multi-Region key has grants of its own.
    private ConcurrentDictionary<string, KmsGrant> IndexFor(string storeId) =>
        _grants.GetOrAdd(storeId, id => new ConcurrentDictionary<string, KmsGrant>(
            store.GrantsFor(id).Select(g => KeyValuePair.Create(g.GrantId, g)), StringComparer.Ordinal));

    private bool GrantAllows(in AuthorizationRequest request)
    {
        if (request.Key is null)
        {
            return false;
        }
        var grants = IndexFor(KmsStore.StoreId(request.Key));
        if (grants.IsEmpty)
        {
            return false;
        }
        foreach (var (_, grant) in grants)
        {
            if (AllowsOperation(grant, request.Operation) && PrincipalMatches(grant.GranteePrincipal, request)
                && ConstraintsAllow(grant, request) && store.FindGrant(grant.GrantId) is not null)
            {
                return true;
            }
        }
        return false;
    }

    private static bool AllowsOperation(KmsGrant grant, ReadOnlySpan<char> operation)
    {
        foreach (var op in grant.Operations)
        {
            if (operation.SequenceEqual(op))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Whether a grant's grantee or retiring principal names the caller: its exact ARN, its account (id or root
    /// ARN, IAM delegation assumed), or a service-infrastructure principal of its account reached via that service.
    /// </summary>
    public static bool PrincipalMatches(string? principal, in AuthorizationRequest request)
    {
        if (string.IsNullOrEmpty(principal))
        {
            return false;
        }
        if (principal == request.PrincipalArn || principal == request.AccountId)
        {
            return true;
        }
        var p = principal.AsSpan();
        if (p.StartsWith("arn:aws:iam::") && p.EndsWith(":root"))
        {
            return p["arn:aws:iam::".Length..^":root".Length].SequenceEqual(request.AccountId);
        }
        return request.ViaService is { } via && TryParseServicePrincipal(p, out var account, out var service)
            && account.SequenceEqual(request.AccountId) && via.AsSpan().StartsWith(service) && via.Length > service.Length && via[service.Length] == '.';
    }

    /// <summary>"arn:aws:sts::ACCT:assumed-role/aws:SVC-infrastructure/ID" or "ACCT:aws:SVC-infrastructure:ID".</summary>
    private static bool TryParseServicePrincipal(ReadOnlySpan<char> p, out ReadOnlySpan<char> account, out ReadOnlySpan<char> service)
    {
        account = service = default;
        ReadOnlySpan<char> rest;
        if (p.StartsWith("arn:aws:sts::"))
        {
            rest = p["arn:aws:sts::".Length..];
            if (rest.Length < 13 || rest[12] != ':' || !rest[13..].StartsWith("assumed-role/aws:"))
            {
                return false;
            }
            account = rest[..12];
            rest = rest[(13 + "assumed-role/aws:".Length)..];
        }
        else
        {
            if (p.Length < 13 || p[12] != ':' || !p[13..].StartsWith("aws:"))
            {
                return false;
            }
            account = p[..12];
            rest = p[(13 + "aws:".Length)..];
        }
        var end = rest.IndexOf("-infrastructure");
        if (end <= 0)
        {
            return false;
        }
        service = rest[..end];
        return true;
    }

    private static bool ConstraintsAllow(KmsGrant grant, in AuthorizationRequest request)
    {
        var c = grant.Constraints;
        if (c is null || (c.EncryptionContextEquals is null && c.EncryptionContextSubset is null))
        {
            return true;
        }
        var operation = request.Operation;
        if (operation.SequenceEqual("CreateGrant"))
        {
            return request.Grant is { } child && IsAtLeastAsStrict(grant, child);
        }
        if (!ContextOperations.GetAlternateLookup<ReadOnlySpan<char>>().Contains(operation))
        {
            // DescribeKey, RetireGrant and operations without an encryption context ignore constraints.
            return true;
        }
        var context = request.Context ?? EncryptionContext.Empty;
        if (c.EncryptionContextEquals is { } equals && (context.Count != equals.Count || !ContainsAll(context, equals)))
        {
            return false;
        }
        return c.EncryptionContextSubset is not { } subset || ContainsAll(context, subset);
    }

    /// <summary>Constraint semantics from the model: keys compare case-insensitively, values exactly.</summary>
    public static bool ContainsAll(IEnumerable<KeyValuePair<string, string>> context, IReadOnlyDictionary<string, string> required)
    {
        foreach (var (rk, rv) in required)
        {
            var found = false;
            foreach (var (k, v) in context)
            {
                if (string.Equals(k, rk, StringComparison.OrdinalIgnoreCase) && string.Equals(v, rv, StringComparison.Ordinal))
                {
                    found = true;
                    break;
                }
            }
            if (!found)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A grant-holder's CreateGrant may only hand on its own operations, with an equally or more strict constraint.</summary>
    private static bool IsAtLeastAsStrict(KmsGrant parent, GrantRequestFacts child)
    {
        foreach (var op in child.Operations)
        {
            if (!parent.Operations.Contains(op))
            {
                return false;
            }
        }
        var pc = parent.Constraints!;
        var cc = child.Constraints;
        if (pc.EncryptionContextEquals is { } pe)
        {
            return cc?.EncryptionContextEquals is { } ce && ce.Count == pe.Count && ContainsAll(ce, pe);
        }
        var ps = pc.EncryptionContextSubset!;
        return (cc?.EncryptionContextEquals is { } e && ContainsAll(e, ps)) || (cc?.EncryptionContextSubset is { } s && ContainsAll(s, ps));
    }
}
