using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record EnableKeyRequest
{
    public string? KeyId { get; init; }
}

public sealed record EmptyResponse;

public static class EnableKey
{
    public static async ValueTask<EmptyResponse> ExecuteAsync(KmsCall call, EnableKeyRequest request)
    {
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.EnableDisable);
        KmsCall.RequireCustomerManaged(key);
        await call.Kms.UpdateKeyAsync(key.KeyId, k => k.KeyState == KeyStates.Disabled ? k with { KeyState = KeyStates.Enabled } : k, call.CancellationToken);
        return new EmptyResponse();
    }
}
