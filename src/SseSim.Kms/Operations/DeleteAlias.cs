namespace SseSim.Kms.Operations;

public sealed record DeleteAliasRequest : IValidatedRequest
{
    public string? AliasName { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(AliasName, "aliasName", 1, 256, required: true, pattern: ModelPatterns.AliasNameType);
    }
}

public static class DeleteAlias
{
    public static async ValueTask<EmptyResponse> ExecuteAsync(KmsCall call, DeleteAliasRequest request)
    {
        AliasNames.Validate(request.AliasName);
        var alias = AliasNames.Find(call, request.AliasName!);
        if (call.Kms.Store.FindKey(alias.TargetKeyId, alias.Region) is { } key)
        {
            await call.UseKeyAsync(key.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.Always);
        }
        await call.Kms.Store.WriteLock.WaitAsync(call.CancellationToken);
        try
        {
            await call.Kms.Store.DeleteAliasAsync(alias, call.CancellationToken);
        }
        finally
        {
            call.Kms.Store.WriteLock.Release();
        }
        return new EmptyResponse();
    }
}
