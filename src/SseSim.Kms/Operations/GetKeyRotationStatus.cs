namespace SseSim.Kms.Operations;

public sealed record GetKeyRotationStatusRequest : IValidatedRequest
{
    public string? KeyId { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
    }
}

// No OnDemandRotationStartDate: AWS reports it only while an on-demand rotation is in progress, and RotateKeyOnDemand
// completes before it returns here, so a client polling for its absence (as AWS's docs suggest) sees the rotation done.
public sealed record GetKeyRotationStatusResponse(bool KeyRotationEnabled, string KeyId, int? RotationPeriodInDays, DateTimeOffset? NextRotationDate);

public static class GetKeyRotationStatus
{
    public static async ValueTask<GetKeyRotationStatusResponse> ExecuteAsync(KmsCall call, GetKeyRotationStatusRequest request)
    {
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.ReadRotation);
        // Asymmetric and HMAC keys answer "not enabled" rather than an error (Enable/DisableKeyRotation refuse them):
        // clients such as Terraform read the status of every AWS_KMS key and fail on an error here.
        return new GetKeyRotationStatusResponse(key.RotationEnabled, key.Arn,
            key.RotationEnabled ? key.RotationPeriodInDays : null,
            key.RotationEnabled ? key.NextRotationDate : null);
    }
}
