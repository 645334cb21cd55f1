using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

/// <summary>Alias-name rules shared by CreateAlias, UpdateAlias and DeleteAlias.</summary>
public static class AliasNames
{
    public static void Validate(string? name, bool allowReserved = false)
    {
        var value = name!;
        if (!value.StartsWith("alias/", StringComparison.Ordinal))
        {
            throw KmsException.Validation("Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
        }
        if (!allowReserved && value.StartsWith("alias/aws/", StringComparison.Ordinal))
        {
            throw new KmsException("NotAuthorizedException", $"{value} is reserved for AWS managed keys.");
        }
    }

    public static KmsAlias Find(KmsCall call, string name) =>
        call.Kms.Store.FindAlias(call.Caller.AccountId, name, call.Kms.Resolver.RegionOf(call.Caller))
        ?? throw KmsException.NotFound($"Alias arn:aws:kms:{call.Kms.Options.Region}:{call.Caller.AccountId}:{name} is not found.");
}
