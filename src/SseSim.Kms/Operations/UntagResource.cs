namespace SseSim.Kms.Operations;

public sealed record UntagResourceRequest
{
    public string? KeyId { get; init; }
    public IReadOnlyList<string>? TagKeys { get; init; }
}

public static class UntagResource
{
    public static async ValueTask<EmptyResponse> ExecuteAsync(KmsCall call, UntagResourceRequest request)
    {
        var keys = Validate.Required(request.TagKeys, "tagKeys");
        foreach (var k in keys)
        {
            Validate.Length(k, "tagKeys.member", 1, 128);
        }
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.Metadata);
        KmsCall.RequireCustomerManaged(key);
        await call.Kms.UpdateKeyAsync(key.KeyId, k => k with { Tags = k.Tags.Where(t => !keys.Contains(t.TagKey)).ToList() }, call.CancellationToken);
        return new EmptyResponse();
    }
}
