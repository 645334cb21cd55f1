using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record EnableKeyRequest : IValidatedRequest
{
    public string? KeyId { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
    }
}

public sealed record EmptyResponse;

public static class EnableKey
{
    public static async ValueTask<EmptyResponse> ExecuteAsync(KmsCall call, EnableKeyRequest request)
    {
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.EnableDisable);
        KmsCall.RequireCustomerManaged(key);
        await call.Kms.UpdateKeyAsync(key, k => k.KeyState == KeyStates.Disabled ? k with { KeyState = KeyStates.Enabled } : k, call.CancellationToken);
        return new EmptyResponse();
    }
}
