namespace SseSim.Kms.Operations;

public sealed record DescribeKeyRequest
{
    public string? KeyId { get; init; }
    public IReadOnlyList<string>? GrantTokens { get; init; }
}

public sealed record DescribeKeyResponse(KeyMetadata KeyMetadata);

public static class DescribeKey
{
    public static async ValueTask<DescribeKeyResponse> ExecuteAsync(KmsCall call, DescribeKeyRequest request)
    {
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOrAlias, KeyStateRules.Rule.Always, grantTokens: request.GrantTokens);
        return new DescribeKeyResponse(KeyMetadata.From(key));
    }
}
