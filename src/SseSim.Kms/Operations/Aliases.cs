using System.Text.RegularExpressions;
using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

/// <summary>Alias-name rules shared by CreateAlias, UpdateAlias and DeleteAlias.</summary>
public static partial class AliasNames
{
    [GeneratedRegex("^[a-zA-Z0-9:/_-]+$")]
    private static partial Regex Pattern();

    public static void Validate(string? name, bool allowReserved = false)
    {
        var value = Operations.Validate.Required(name, "aliasName");
        Operations.Validate.Length(value, "aliasName", 1, 256);
        if (!Pattern().IsMatch(value))
        {
            throw KmsException.ConstraintViolation(value, "aliasName", "satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
        }
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
        call.Kms.Store.FindAlias(call.Caller.AccountId, name)
        ?? throw KmsException.NotFound($"Alias arn:aws:kms:{call.Kms.Options.Region}:{call.Caller.AccountId}:{name} is not found.");
}
