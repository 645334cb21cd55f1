namespace SseSim.Kms.Operations;

public sealed record DisableKeyRotationRequest : IValidatedRequest
{
    public string? KeyId { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
    }
}

public static class DisableKeyRotation
{
    public static async ValueTask<EmptyResponse> ExecuteAsync(KmsCall call, DisableKeyRotationRequest request)
    {
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.ChangeRotation);
        KmsCall.RequireCustomerManaged(key);
        Rotation.RequireRotatable(key);
        MultiRegion.RequirePrimary(key);
        await call.Kms.UpdateKeyAsync(key, k => k with { RotationEnabled = false, NextRotationDate = null }, call.CancellationToken, shared: true);
        return new EmptyResponse();
    }
}
