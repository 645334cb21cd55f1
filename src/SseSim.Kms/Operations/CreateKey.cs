using SseSim.Kms.Crypto;
using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record CreateKeyRequest : IValidatedRequest
{
    public string? Policy { get; init; }
    public string? Description { get; init; }
    public string? KeyUsage { get; init; }
    public string? CustomerMasterKeySpec { get; init; }
    public string? KeySpec { get; init; }
    public string? Origin { get; init; }
    public string? CustomKeyStoreId { get; init; }
    public bool? BypassPolicyLockoutSafetyCheck { get; init; }
    public IReadOnlyList<Tag>? Tags { get; init; }
    public bool? MultiRegion { get; init; }
    public string? XksKeyId { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(Policy, "policy", 1, 131072, pattern: ModelPatterns.PolicyType);
        errors.String(Description, "description", 0, 8192);
        errors.Enum(KeyUsage, "keyUsage", ModelEnums.KeyUsageType);
        errors.Enum(CustomerMasterKeySpec, "customerMasterKeySpec", ModelEnums.CustomerMasterKeySpec);
        errors.Enum(KeySpec, "keySpec", ModelEnums.KeySpec);
        errors.Enum(Origin, "origin", ModelEnums.OriginType);
        errors.String(CustomKeyStoreId, "customKeyStoreId", 1, 64);
        errors.Tags(Tags, "tags");
        errors.String(XksKeyId, "xksKeyId", 1, 128, pattern: ModelPatterns.XksKeyIdType);
    }
}

public sealed record CreateKeyResponse(KeyMetadata KeyMetadata);

public static class CreateKey
{
    public static async ValueTask<CreateKeyResponse> ExecuteAsync(KmsCall call, CreateKeyRequest request)
    {
        // No custom key store can exist in SseSim, so any id names a missing one (the error AWS gives for an unknown id).
        CustomKeyStores.ThrowIfNamed(request.CustomKeyStoreId);
        if (request.XksKeyId is not null)
        {
            throw KmsException.Unsupported("Custom key stores (CloudHSM and external key stores) are not supported by SseSim.");
        }
        if (request.KeySpec is not null && request.CustomerMasterKeySpec is not null)
        {
            throw KmsException.Validation("You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec parameter is deprecated. Use KeySpec instead.");
        }
        var spec = request.KeySpec ?? request.CustomerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
        if (KeySpecInfo.IsModelledButUnsupported(spec))
        {
            throw KmsException.Unsupported($"KeySpec {spec} is not supported by SseSim.");
        }
        var info = KeySpecInfo.All[spec];
        if (request.KeyUsage is null && !info.IsSymmetric)
        {
            throw KmsException.Validation("You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.");
        }
        var usage = request.KeyUsage ?? KeyUsages.EncryptDecrypt;
        if (!info.Usages.Contains(usage))
        {
            throw KmsException.Validation($"KeyUsage {usage} is not compatible with KeySpec {spec}");
        }
        var origin = request.Origin ?? Origins.AwsKms;
        if (origin is "AWS_CLOUDHSM" or "EXTERNAL_KEY_STORE")
        {
            throw KmsException.Unsupported($"Origin {origin} (custom key stores) is not supported by SseSim.");
        }
        Validate.Tags(request.Tags);
        var multiRegion = request.MultiRegion == true;

        // A multi-Region primary is created in the Region the request was signed for (a single-Region key in the
        // server's Region, which serves every Region).
        var keyId = multiRegion ? "mrk-" + Guid.NewGuid().ToString("N") : Guid.NewGuid().ToString();
        var region = multiRegion ? call.Kms.Resolver.RegionOf(call.Caller) : call.Kms.Options.Region;
        var policy = request.Policy ?? KeyPolicies.Default(call.Caller.AccountId);
        call.Kms.Authorizer.ValidatePolicy(policy, call.Caller, request.BypassPolicyLockoutSafetyCheck == true);

        var key = new KmsKey
        {
            KeyId = keyId,
            AccountId = call.Caller.AccountId,
            Region = region,
            PrimaryRegion = multiRegion ? region : null,
            CreationDate = call.Now,
            Description = request.Description ?? "",
            KeySpec = spec,
            KeyUsage = usage,
            Origin = origin,
            KeyState = origin == Origins.External ? KeyStates.PendingImport : KeyStates.Enabled,
            Policy = policy,
            Tags = request.Tags?.Select(t => new KmsTag(t.TagKey, t.TagValue)).ToList() ?? [],
            Materials = origin == Origins.External ? [] : [call.Kms.Vault.Generate(keyId, spec)],
        };
        // Touched first: the audit event written with the key (the outbox) names it as its resource.
        call.Touch(key);
        await call.Kms.Store.PutKeyAsync(key, call.CancellationToken);
        return new CreateKeyResponse(KeyMetadata.From(key));
    }
}
