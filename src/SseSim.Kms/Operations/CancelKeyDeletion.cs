using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record CancelKeyDeletionRequest : IValidatedRequest
{
    public string? KeyId { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
    }
}

public sealed record CancelKeyDeletionResponse(string KeyId);

public static class CancelKeyDeletion
{
    public static async ValueTask<CancelKeyDeletionResponse> ExecuteAsync(KmsCall call, CancelKeyDeletionRequest request)
    {
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.CancelDeletion);
        // AWS leaves a key whose deletion was cancelled Disabled, not Enabled (or PendingImport without material).
        var updated = await call.Kms.UpdateKeyAsync(key, k =>
        {
            KeyStateRules.Check(KeyStateRules.Rule.CancelDeletion, k);
            var state = k.Origin == Origins.External && !CryptoSupport.AllImported(k) ? KeyStates.PendingImport : KeyStates.Disabled;
            return k with { KeyState = state, DeletionDate = null, PendingDeletionWindowInDays = null };
        }, call.CancellationToken);
        return new CancelKeyDeletionResponse(updated.Arn);
    }
}
