namespace SseSim.Kms.Operations;

public sealed record UpdateKeyDescriptionRequest
{
    public string? KeyId { get; init; }
    public string? Description { get; init; }
}

public static class UpdateKeyDescription
{
    public static async ValueTask<EmptyResponse> ExecuteAsync(KmsCall call, UpdateKeyDescriptionRequest request)
    {
        var description = Validate.Required(request.Description, "description");
        Validate.Length(description, "description", 0, 8192);
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.Metadata);
        KmsCall.RequireCustomerManaged(key);
        await call.Kms.UpdateKeyAsync(key.KeyId, k => k with { Description = description }, call.CancellationToken);
        return new EmptyResponse();
    }
}
