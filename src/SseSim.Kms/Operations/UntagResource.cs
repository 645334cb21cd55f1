namespace SseSim.Kms.Operations;

public sealed record UntagResourceRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public IReadOnlyList<string>? TagKeys { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.StringList(TagKeys, "tagKeys", 0, 2147483647, 1, 128, required: true);
    }
}

public static class UntagResource
{
    public static async ValueTask<EmptyResponse> ExecuteAsync(KmsCall call, UntagResourceRequest request)
    {
        var keys = request.TagKeys!;
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.Metadata);
        KmsCall.RequireCustomerManaged(key);
        await call.Kms.UpdateKeyAsync(key, k => k with { Tags = k.Tags.Where(t => !keys.Contains(t.TagKey)).ToList() }, call.CancellationToken);
        return new EmptyResponse();
    }
}
