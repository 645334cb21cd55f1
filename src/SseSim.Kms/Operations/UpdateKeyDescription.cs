namespace SseSim.Kms.Operations;

public sealed record UpdateKeyDescriptionRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public string? Description { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.String(Description, "description", 0, 8192, required: true);
    }
}

public static class UpdateKeyDescription
{
    public static async ValueTask<EmptyResponse> ExecuteAsync(KmsCall call, UpdateKeyDescriptionRequest request)
    {
        var description = request.Description!;
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.Metadata);
        KmsCall.RequireCustomerManaged(key);
        await call.Kms.UpdateKeyAsync(key, k => k with { Description = description }, call.CancellationToken);
        return new EmptyResponse();
    }
}
