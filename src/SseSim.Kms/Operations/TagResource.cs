using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record TagResourceRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public IReadOnlyList<Tag>? Tags { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.Tags(Tags, "tags", required: true);
    }
}

public static class TagResource
{
    public static async ValueTask<EmptyResponse> ExecuteAsync(KmsCall call, TagResourceRequest request)
    {
        var tags = request.Tags!;
        Validate.Tags(tags);
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.Metadata);
        KmsCall.RequireCustomerManaged(key);
        await call.Kms.UpdateKeyAsync(key, k =>
        {
            var merged = k.Tags.ToDictionary(t => t.TagKey, t => t.TagValue, StringComparer.Ordinal);
            foreach (var t in tags)
            {
                merged[t.TagKey] = t.TagValue;
            }
            if (merged.Count > 50)
            {
                throw new KmsException("TagException", "Too many tags");
            }
            return k with { Tags = merged.Select(kv => new KmsTag(kv.Key, kv.Value)).ToList() };
        }, call.CancellationToken);
        return new EmptyResponse();
    }
}
