using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record RotateKeyOnDemandRequest
{
    public string? KeyId { get; init; }
}

public sealed record RotateKeyOnDemandResponse(string KeyId);

public static class RotateKeyOnDemand
{
    public const int MaxOnDemandRotations = 25;

    public static async ValueTask<RotateKeyOnDemandResponse> ExecuteAsync(KmsCall call, RotateKeyOnDemandRequest request)
    {
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.ChangeRotation);
        KmsCall.RequireCustomerManaged(key);
        Rotation.RequireRotatable(key);
        var updated = await call.Kms.UpdateKeyAsync(key.KeyId, k =>
        {
            if (k.OnDemandRotations >= MaxOnDemandRotations)
            {
                throw KmsException.LimitExceeded($"The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: {k.Arn}");
            }
            // Rotation is synchronous here, so the rotation is complete by the time the call returns.
            return k with
            {
                Materials = [.. k.Materials, call.Kms.Vault.Generate(k.KeyId, k.KeySpec, "ON_DEMAND")],
                OnDemandRotations = k.OnDemandRotations + 1,
                OnDemandRotationStartDate = call.Now,
            };
        }, call.CancellationToken);
        return new RotateKeyOnDemandResponse(updated.Arn);
    }
}
