using SseSim.Core.Aws;
using SseSim.Core.Crypto;
using SseSim.Kms.Model;

namespace SseSim.Kms.Authorization;

/// <summary>Request values only CreateGrant has: they feed kms:GrantOperations, kms:GranteePrincipal and friends.</summary>
public sealed record GrantRequestFacts(
    IReadOnlyList<string> Operations, string GranteePrincipal, string? RetiringPrincipal, GrantConstraints? Constraints);

/// <summary>
/// Everything a policy condition or a grant can look at for one authorization decision. A struct passed by
/// reference so the hot path (GenerateDataKey) allocates nothing to evaluate a policy.
/// </summary>
public readonly struct AuthorizationRequest
{
    public AuthorizationRequest(Caller caller, string? viaService, string action, KmsKey? key, EncryptionContext? context,
        GrantRequestFacts? grant = null, bool? bypassLockoutCheck = null, string? requestRegion = null)
    {
        RequestRegion = requestRegion;
        Caller = caller;
        ViaService = viaService;
        Action = action;
        Key = key;
        Context = context;
        Grant = grant;
        BypassLockoutCheck = bypassLockoutCheck;
    }

    public Caller Caller { get; }
    public string AccountId => Caller.Identity.AccountId;
    public string PrincipalArn => Caller.Identity.Arn;
    /// <summary>"s3.us-east-1.amazonaws.com" form (kms:ViaService), or null for direct calls.</summary>
    public string? ViaService { get; }
    /// <summary>"kms:GenerateDataKey".</summary>
    public string Action { get; }
    /// <summary>Null while validating the policy of a key that does not exist yet (CreateKey's lockout check).</summary>
    public KmsKey? Key { get; }
    public EncryptionContext? Context { get; }
    public GrantRequestFacts? Grant { get; }
    public bool? BypassLockoutCheck { get; }
    /// <summary>ReplicateKey's ReplicaRegion or UpdatePrimaryRegion's PrimaryRegion (kms:ReplicaRegion, kms:PrimaryRegion).</summary>
    public string? RequestRegion { get; }

    /// <summary>The Operation part of <see cref="Action"/>: "GenerateDataKey".</summary>
    public ReadOnlySpan<char> Operation => Action.AsSpan(Action.StartsWith("kms:", StringComparison.Ordinal) ? 4 : 0);

    /// <summary>kms:ViaService spelled from a <see cref="Caller"/> ("s3" → "s3.&lt;region&gt;.amazonaws.com").</summary>
    public static string? ViaServiceOf(Caller caller, string region)
    {
        var via = caller.ViaService;
        if (via is null)
        {
            return null;
        }
        return via.Split('.').Length >= 4 ? via : $"{via.Split('.')[0]}.{region}.amazonaws.com";
    }
}
