using SseSim.Core.Crypto;
using SseSim.Kms.Authorization;
using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record CreateGrantRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public string? GranteePrincipal { get; init; }
    public string? RetiringPrincipal { get; init; }
    public IReadOnlyList<string>? Operations { get; init; }
    public GrantConstraints? Constraints { get; init; }
    public IReadOnlyList<string>? GrantTokens { get; init; }
    public string? Name { get; init; }
    public bool? DryRun { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.String(GranteePrincipal, "granteePrincipal", 1, 256, required: true, pattern: ModelPatterns.PrincipalIdType);
        errors.String(RetiringPrincipal, "retiringPrincipal", 1, 256, pattern: ModelPatterns.PrincipalIdType);
        errors.EnumList(Operations, "operations", ModelEnums.GrantOperation, required: true);
        errors.StringList(GrantTokens, "grantTokens", 0, 10, 1, 8192);
        errors.String(Name, "name", 1, 256, pattern: ModelPatterns.GrantNameType);
    }
}

public sealed record CreateGrantResponse(string GrantToken, string GrantId);

public static class CreateGrant
{
    public const int MaxGrantsPerKey = 50_000;

    /// <summary>The GrantOperation enum, in model order (the order AWS prints it in validation messages).</summary>
    public static readonly IReadOnlyList<string> GrantOperations =
    [
        "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "Sign", "Verify",
        "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
        "GenerateMac", "VerifyMac", "DeriveSharedSecret",
    ];

    private static readonly string[] AnyKey = ["CreateGrant", "RetireGrant", "DescribeKey"];

    public static async ValueTask<CreateGrantResponse> ExecuteAsync(KmsCall call, CreateGrantRequest request)
    {
        var grantee = request.GranteePrincipal!;
        var retiring = request.RetiringPrincipal;
        var operations = request.Operations!;
        var constraints = ValidateConstraints(request.Constraints);
        if (operations.Count == 0)
        {
            throw KmsException.Validation("Operations must contain at least one grant operation.");
        }

        var facts = new GrantRequestFacts(operations, grantee, retiring, constraints);
        var key = await call.Kms.Resolver.ResolveAsync(call.Caller, request.KeyId, KeyIdForms.KeyOnly, call.CancellationToken);
        call.Touch(key);
        call.Kms.Authorizer.Authorize(call, key, "kms:CreateGrant", null, request.GrantTokens, facts);
        KeyStateRules.Check(KeyStateRules.Rule.Use, key);
        call.Kms.Quotas.Charge(call.Caller.AccountId, call.Operation, key);
        CheckCompatible(key, operations, constraints);

        if (request.DryRun == true)
        {
            throw KmsException.DryRun();
        }

        var store = call.Kms.Store;
        await store.WriteLock.WaitAsync(call.CancellationToken);
        try
        {
            if (request.Name is not null && FindSameGrant(call.Kms.Authorizer.GrantsOf(key), request.Name, grantee, retiring, operations, constraints) is { } existing)
            {
                // Name makes retries idempotent: same grant id, a fresh (interchangeable) token.
                var (again, _) = GrantTokens.Issue(call.Kms.RootKey, existing.GrantId);
                return new CreateGrantResponse(again, existing.GrantId);
            }
            if (call.Kms.Authorizer.GrantCount(key) >= MaxGrantsPerKey)
            {
                throw KmsException.LimitExceeded($"The request was rejected because {key.Arn} already has the maximum number of grants ({MaxGrantsPerKey}).");
            }
            var grantId = GrantTokens.NewGrantId();
            var (token, hash) = GrantTokens.Issue(call.Kms.RootKey, grantId);
            var grant = new KmsGrant
            {
                GrantId = grantId,
                KeyId = key.KeyId,
                KeyArn = key.Arn,
                Name = request.Name,
                CreationDate = call.Now,
                GranteePrincipal = grantee,
                RetiringPrincipal = retiring,
                IssuingAccount = $"arn:aws:iam::{call.Caller.AccountId}:root",
                Operations = operations.ToArray(),
                Constraints = constraints,
                TokenHash = hash,
            };
            await store.PutGrantAsync(grant, call.CancellationToken);
            call.Kms.Authorizer.GrantAdded(grant);
            return new CreateGrantResponse(token, grantId);
        }
        finally
        {
            store.WriteLock.Release();
        }
    }

    private static GrantConstraints? ValidateConstraints(GrantConstraints? shape)
    {
        if (shape is null || (shape.EncryptionContextSubset is null && shape.EncryptionContextEquals is null))
        {
            return null;
        }
        foreach (var map in new[] { shape.EncryptionContextSubset, shape.EncryptionContextEquals })
        {
            if (map is null)
            {
                continue;
            }
            if (map.Count > 8)
            {
                throw KmsException.Validation("Each grant constraint can include up to 8 encryption context pairs.");
            }
            foreach (var (k, v) in map)
            {
                if (k.Length == 0 || v.Length > 384)
                {
                    throw KmsException.Validation("Encryption context keys must not be empty and values must not exceed 384 characters in a grant constraint.");
                }
            }
        }
        return new GrantConstraints
        {
            EncryptionContextSubset = shape.EncryptionContextSubset is null ? null : new(shape.EncryptionContextSubset, StringComparer.Ordinal),
            EncryptionContextEquals = shape.EncryptionContextEquals is null ? null : new(shape.EncryptionContextEquals, StringComparer.Ordinal),
        };
    }

    /// <summary>Grant operations the key's type supports (Developer Guide grants.md, "Grant operations").</summary>
    public static IReadOnlyCollection<string> SupportedOperations(KmsKey key)
    {
        var info = key.SpecInfo;
        var ops = new HashSet<string>(AnyKey, StringComparer.Ordinal);
        if (info.IsSymmetric)
        {
            ops.UnionWith(["Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo",
                "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"]);
        }
        else if (key.KeyUsage == KeyUsages.EncryptDecrypt)
        {
            ops.UnionWith(["Decrypt", "Encrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey"]);
        }
        else if (key.KeyUsage == KeyUsages.SignVerify)
        {
            ops.UnionWith(["Sign", "Verify", "GetPublicKey"]);
        }
        else if (key.KeyUsage == KeyUsages.GenerateVerifyMac)
        {
            ops.UnionWith(["GenerateMac", "VerifyMac"]);
        }
        else if (key.KeyUsage == KeyUsages.KeyAgreement)
        {
            ops.UnionWith(["DeriveSharedSecret", "GetPublicKey"]);
        }
        return ops;
    }

    private static void CheckCompatible(KmsKey key, IReadOnlyList<string> operations, GrantConstraints? constraints)
    {
        var supported = SupportedOperations(key);
        var bad = operations.Where(o => !supported.Contains(o)).Distinct().ToList();
        if (bad.Count > 0)
        {
            throw KmsException.Validation($"Grant operations [{string.Join(", ", bad)}] are not supported for {key.Arn} with key spec {key.KeySpec} and key usage {key.KeyUsage}.");
        }
        if (constraints is not null && !key.SpecInfo.IsSymmetric)
        {
            throw KmsException.Validation("Encryption context grant constraints are supported only for symmetric encryption KMS keys.");
        }
    }

    private static KmsGrant? FindSameGrant(IEnumerable<KmsGrant> grants, string name, string grantee, string? retiring,
        IReadOnlyList<string> operations, GrantConstraints? constraints)
    {
        foreach (var g in grants)
        {
            if (g.Name == name && g.GranteePrincipal == grantee && g.RetiringPrincipal == retiring
                && g.Operations.Distinct().Order(StringComparer.Ordinal).SequenceEqual(operations.Distinct().Order(StringComparer.Ordinal))
                && SameMap(g.Constraints?.EncryptionContextSubset, constraints?.EncryptionContextSubset)
                && SameMap(g.Constraints?.EncryptionContextEquals, constraints?.EncryptionContextEquals))
            {
                return g;
            }
        }
        return null;
    }

    private static bool SameMap(Dictionary<string, string>? a, Dictionary<string, string>? b) =>
        a is null ? b is null : b is not null && a.Count == b.Count && EncryptionContext.From(a).SameAs(b);
}
