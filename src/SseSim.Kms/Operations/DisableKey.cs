using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record DisableKeyRequest : IValidatedRequest
{
    public string? KeyId { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
    }
}

public static class DisableKey
{
    public static async ValueTask<EmptyResponse> ExecuteAsync(KmsCall call, DisableKeyRequest request)
    {
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.EnableDisable);
        KmsCall.RequireCustomerManaged(key);
        await call.Kms.UpdateKeyAsync(key, k => k.KeyState == KeyStates.Enabled ? k with { KeyState = KeyStates.Disabled } : k, call.CancellationToken);
        return new EmptyResponse();
    }
}
