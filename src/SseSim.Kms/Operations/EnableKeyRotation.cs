using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record EnableKeyRotationRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public int? RotationPeriodInDays { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.Range(RotationPeriodInDays, "rotationPeriodInDays", 90, 2560);
    }
}

public static class EnableKeyRotation
{
    public static async ValueTask<EmptyResponse> ExecuteAsync(KmsCall call, EnableKeyRotationRequest request)
    {
        // 90..2560 is the model's range, checked at the front door.
        var period = request.RotationPeriodInDays ?? 365;
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.ChangeRotation);
        KmsCall.RequireCustomerManaged(key);
        Rotation.RequireRotatable(key);
        // Rotation is shared by every copy of a multi-Region key: set on the primary, it reaches the replicas.
        MultiRegion.RequirePrimary(key);
        var updated = await call.Kms.UpdateKeyAsync(key, k => k with
        {
            RotationEnabled = true,
            RotationPeriodInDays = period,
            // Changing only the period keeps the schedule anchored on the last rotation, as AWS does.
            NextRotationDate = (k.Materials[^1].CreatedAt > call.Now.AddDays(-period) ? k.Materials[^1].CreatedAt : call.Now).AddDays(period),
        }, call.CancellationToken, shared: true);
        call.Kms.ScheduleMaintenance(updated.NextRotationDate!.Value);
        return new EmptyResponse();
    }
}
