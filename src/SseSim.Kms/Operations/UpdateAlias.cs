using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record UpdateAliasRequest : IValidatedRequest
{
    public string? AliasName { get; init; }
    public string? TargetKeyId { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(AliasName, "aliasName", 1, 256, required: true, pattern: ModelPatterns.AliasNameType);
        errors.String(TargetKeyId, "targetKeyId", 1, 2048, required: true);
    }
}

public static class UpdateAlias
{
    public static async ValueTask<EmptyResponse> ExecuteAsync(KmsCall call, UpdateAliasRequest request)
    {
        AliasNames.Validate(request.AliasName);
        var alias = AliasNames.Find(call, request.AliasName!);
        var target = await call.UseKeyAsync(request.TargetKeyId!, KeyIdForms.KeyOnly, KeyStateRules.Rule.Metadata);
        KmsCall.RequireCustomerManaged(target);
        if (call.Kms.Store.FindKey(alias.TargetKeyId, alias.Region) is { } current)
        {
            call.Touch(current);
            // "The current and new KMS key must be the same type (both symmetric or both asymmetric or both HMAC), and
            // they must have the same key usage": an RSA signing key may follow an ECC or ML-DSA one.
            if (KeyType(current) != KeyType(target) || current.KeyUsage != target.KeyUsage)
            {
                throw KmsException.Validation($"{target.Arn} has a different key type or key usage than the key the alias currently points to. The alias can only be pointed at a key of the same type and usage.");
            }
        }
        await call.Kms.Store.WriteLock.WaitAsync(call.CancellationToken);
        try
        {
            // Pointed at a single-Region key, a Regional alias becomes visible from every Region: its name must be free there.
            if (!target.IsMultiRegion && KmsKey.IsMultiRegionId(alias.TargetKeyId)
                && call.Kms.Store.Aliases.Any(a => a.AccountId == alias.AccountId && a.AliasName == alias.AliasName && !ReferenceEquals(a, alias)))
            {
                throw new KmsException("AlreadyExistsException", $"An alias with the name arn:aws:kms:{target.Region}:{alias.AccountId}:{alias.AliasName} already exists");
            }
            await call.Kms.Store.PutAliasAsync(alias with { TargetKeyId = target.KeyId, Region = target.Region, LastUpdatedDate = call.Now }, call.CancellationToken, replacing: alias);
        }
        finally
        {
            call.Kms.Store.WriteLock.Release();
        }
        return new EmptyResponse();
    }

    private static string KeyType(KmsKey key) => key.SpecInfo.IsAsymmetric ? "ASYMMETRIC" : key.SpecInfo.Family;
}
