namespace SseSim.Kms.Operations;

public sealed record ListAliasesRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public int? Limit { get; init; }
    public string? Marker { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048);
        errors.Range(Limit, "limit", 1, 1000);
        errors.String(Marker, "marker", 1, 1024, pattern: ModelPatterns.MarkerType);
    }
}

public sealed record AliasListEntry(string AliasName, string AliasArn, string? TargetKeyId, DateTimeOffset? CreationDate, DateTimeOffset? LastUpdatedDate);

public sealed record ListAliasesResponse(IReadOnlyList<AliasListEntry> Aliases, string? NextMarker, bool Truncated);

public static class ListAliases
{
    public static async ValueTask<ListAliasesResponse> ExecuteAsync(KmsCall call, ListAliasesRequest request)
    {
        string? keyId = null;
        if (request.KeyId is not null)
        {
            keyId = (await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.Always)).KeyId;
        }
        var account = call.Caller.AccountId;
        var region = call.Kms.Resolver.RegionOf(call.Caller);
        // A Region lists the aliases of its multi-Region copies and those of the single-Region keys (served everywhere).
        var aliases = call.Kms.Store.Aliases
            .Where(a => a.AccountId == account && KmsStore.AliasVisibleIn(a, region) && (keyId is null || a.TargetKeyId == keyId))
            .Select(a => new AliasListEntry(a.AliasName, a.AliasArn, a.TargetKeyId, a.CreationDate, a.LastUpdatedDate));
        if (keyId is null)
        {
            // AWS lists its predefined aliases (alias/aws/s3, alias/aws/ebs) before their AWS managed key exists, with no
            // TargetKeyId and no dates (ListAliases API reference); the key is created on first use.
            aliases = aliases.Concat(AwsManagedKeys.ManagedAliasNames
                .Where(name => call.Kms.Store.FindAlias(account, name) is null)
                .Select(name => new AliasListEntry(name, $"arn:aws:kms:{call.Kms.Options.Region}:{account}:{name}", null, null, null)));
        }
        var (page, next) = Paging.Take(aliases.OrderBy(a => a.AliasName, StringComparer.Ordinal), a => a.AliasName, request.Limit, request.Marker, 50);
        return new ListAliasesResponse(page, next, next is not null);
    }
}
