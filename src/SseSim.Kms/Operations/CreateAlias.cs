using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record CreateAliasRequest : IValidatedRequest
{
    public string? AliasName { get; init; }
    public string? TargetKeyId { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(AliasName, "aliasName", 1, 256, required: true, pattern: ModelPatterns.AliasNameType);
        errors.String(TargetKeyId, "targetKeyId", 1, 2048, required: true);
    }
}

public static class CreateAlias
{
    public static async ValueTask<EmptyResponse> ExecuteAsync(KmsCall call, CreateAliasRequest request)
    {
        AliasNames.Validate(request.AliasName);
        var name = request.AliasName!;
        // "This value must begin with alias/ followed by a name" (CreateAlias API reference); InvalidAliasNameException is
        // the error CreateAlias documents for a name that is not valid. UpdateAlias and DeleteAlias need no such check:
        // an alias that cannot be created is not found.
        if (name.Length == "alias/".Length)
        {
            throw new KmsException("InvalidAliasNameException", "alias/ is not a valid alias name: a name must follow the prefix \"alias/\".");
        }
        // The model's pattern admits ':', but KMS refuses it: an alias ARN's name could not be told from its prefix.
        if (name.Contains(':', StringComparison.Ordinal))
        {
            throw KmsException.Validation($"{name} contains invalid characters for an alias");
        }
        var key = await call.UseKeyAsync(request.TargetKeyId!, KeyIdForms.KeyOnly, KeyStateRules.Rule.Metadata);
        KmsCall.RequireCustomerManaged(key);
        if (key.AccountId != call.Caller.AccountId)
        {
            throw KmsException.AccessDenied($"An alias must be in the same account as its key: {key.Arn}");
        }
        await call.Kms.Store.WriteLock.WaitAsync(call.CancellationToken);
        try
        {
            // An alias of a multi-Region copy is Regional, as in AWS; one of a single-Region key is seen from every Region,
            // so its name must be free in all of them.
            if (call.Kms.Store.AliasNameTaken(call.Caller.AccountId, name, key.IsMultiRegion ? key.Region : null))
            {
                throw new KmsException("AlreadyExistsException", $"An alias with the name arn:aws:kms:{key.Region}:{call.Caller.AccountId}:{name} already exists");
            }
            if (call.Kms.Store.AliasesOf(key).Count() >= 50)
            {
                throw KmsException.LimitExceeded($"Too many aliases for {key.Arn}: the limit is 50.");
            }
            var now = call.Now;
            // AWS stores the bare key id even when the target was given as an ARN.
            await call.Kms.Store.PutAliasAsync(new KmsAlias
            {
                AliasName = name,
                AccountId = call.Caller.AccountId,
                Region = key.Region,
                TargetKeyId = key.KeyId,
                CreationDate = now,
                LastUpdatedDate = now,
            }, call.CancellationToken);
        }
        finally
        {
            call.Kms.Store.WriteLock.Release();
        }
        return new EmptyResponse();
    }
}
