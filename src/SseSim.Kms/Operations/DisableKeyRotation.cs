namespace SseSim.Kms.Operations;

public sealed record DisableKeyRotationRequest
{
    public string? KeyId { get; init; }
}

public static class DisableKeyRotation
{
    public static async ValueTask<EmptyResponse> ExecuteAsync(KmsCall call, DisableKeyRotationRequest request)
    {
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.ChangeRotation);
        KmsCall.RequireCustomerManaged(key);
        Rotation.RequireRotatable(key);
        await call.Kms.UpdateKeyAsync(key.KeyId, k => k with { RotationEnabled = false, NextRotationDate = null }, call.CancellationToken);
        return new EmptyResponse();
    }
}
