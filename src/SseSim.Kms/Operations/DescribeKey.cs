namespace SseSim.Kms.Operations;

public sealed record DescribeKeyRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public IReadOnlyList<string>? GrantTokens { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.StringList(GrantTokens, "grantTokens", 0, 10, 1, 8192);
    }
}

public sealed record DescribeKeyResponse(KeyMetadata KeyMetadata);

public static class DescribeKey
{
    public static async ValueTask<DescribeKeyResponse> ExecuteAsync(KmsCall call, DescribeKeyRequest request)
    {
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOrAlias, KeyStateRules.Rule.Always, grantTokens: request.GrantTokens);
        return new DescribeKeyResponse(KeyMetadata.From(key, key.IsMultiRegion ? call.Kms.Store.Copies(key.KeyId) : null));
    }
}
