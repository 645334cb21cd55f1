using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record RotateKeyOnDemandRequest : IValidatedRequest
{
    public string? KeyId { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
    }
}

public sealed record RotateKeyOnDemandResponse(string KeyId);

public static class RotateKeyOnDemand
{
    public const int MaxOnDemandRotations = 25;

    public static async ValueTask<RotateKeyOnDemandResponse> ExecuteAsync(KmsCall call, RotateKeyOnDemandRequest request)
    {
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.RotateOnDemand);
        KmsCall.RequireCustomerManaged(key);
        // Rotation is shared by every copy of a multi-Region key: set on the primary, it reaches the replicas.
        MultiRegion.RequirePrimary(key);
        // Only symmetric encryption keys rotate; AWS refuses any other key with no message at all.
        if (!key.SpecInfo.IsSymmetric)
        {
            throw KmsException.Unsupported("");
        }
        var updated = await call.Kms.UpdateKeyAsync(key, k =>
        {
            if (k.OnDemandRotations >= MaxOnDemandRotations)
            {
                throw KmsException.LimitExceeded($"The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: {k.Arn}");
            }
            // An imported key rotates to the material imported for it with ImportType NEW_KEY_MATERIAL; KMS makes none.
            KeyMaterial next;
            if (k.Origin == Origins.External)
            {
                if (k.PendingMaterial is not { Sealed.Length: > 0 } pending)
                {
                    throw KmsException.InvalidState($"{k.Arn} has no key material in PENDING_ROTATION state. Import new key material (ImportType NEW_KEY_MATERIAL) before rotating this key on demand.");
                }
                // Every replica must hold the same new material before the primary rotates to it (RotateKeyOnDemand API reference).
                if (k.IsMultiRegion && call.Kms.Store.Copies(k.KeyId).FirstOrDefault(c => c.PendingMaterial is not { Sealed.Length: > 0 }) is { } lacking)
                {
                    throw KmsException.InvalidState($"{lacking.Arn} has no key material in PENDING_ROTATION state. Import the primary key's new key material into every replica key (ImportType EXISTING_KEY_MATERIAL) before rotating on demand.");
                }
                next = pending with { RotationType = "ON_DEMAND", CreatedAt = call.Now };
            }
            else
            {
                next = call.Kms.Vault.Generate(k.KeyId, k.KeySpec, "ON_DEMAND");
            }
            // Rotation is synchronous here, so the rotation is complete by the time the call returns.
            return k with
            {
                Materials = [.. k.Materials, next],
                PendingMaterial = null,
                OnDemandRotations = k.OnDemandRotations + 1,
                OnDemandRotationStartDate = call.Now,
            };
        }, call.CancellationToken, shared: true);
        // The key ARN, as AWS answers today (LocalStack's AWS-validated test_rotate_on_demand_returns_arn_for_key_id);
        // the API reference's example, older than that, still shows the bare key id.
        return new RotateKeyOnDemandResponse(updated.Arn);
    }
}
