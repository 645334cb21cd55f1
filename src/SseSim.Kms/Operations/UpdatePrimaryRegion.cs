namespace SseSim.Kms.Operations;

public sealed record UpdatePrimaryRegionRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public string? PrimaryRegion { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.String(PrimaryRegion, "primaryRegion", 1, 32, required: true, pattern: ModelPatterns.RegionType);
    }
}

public sealed record UpdatePrimaryRegionResponse;

/// <summary>Only multi-Region keys have a primary Region; SseSim's keys are single-Region (see <see cref="MultiRegion"/>).</summary>
public static class UpdatePrimaryRegion
{
    public static async ValueTask<UpdatePrimaryRegionResponse> ExecuteAsync(KmsCall call, UpdatePrimaryRegionRequest request)
    {
        var key = await call.UseKeyAsync(request.KeyId!, KeyIdForms.KeyOnly, KeyStateRules.Rule.Always);
        throw MultiRegion.NotMultiRegion(key);
    }
}
