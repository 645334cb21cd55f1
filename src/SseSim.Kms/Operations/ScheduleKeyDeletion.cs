using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record ScheduleKeyDeletionRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public int? PendingWindowInDays { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.Range(PendingWindowInDays, "pendingWindowInDays", 1, 365);
    }
}

/// <summary>DeletionDate is absent for a multi-Region primary with replicas: its waiting period has not begun.</summary>
public sealed record ScheduleKeyDeletionResponse(string KeyId, DateTimeOffset? DeletionDate, string KeyState, int PendingWindowInDays);

public static class ScheduleKeyDeletion
{
    public static async ValueTask<ScheduleKeyDeletionResponse> ExecuteAsync(KmsCall call, ScheduleKeyDeletionRequest request)
    {
        var days = request.PendingWindowInDays ?? 30;
        // The model admits 1-365; KMS enforces 7-30 itself, with a message of its own (as AWS answered a window of 1).
        if (days is < 7 or > 30)
        {
            throw KmsException.Validation("PendingWindowInDays must be between 7 and 30");
        }
        var key = await call.UseKeyAsync(request.KeyId, KeyIdForms.KeyOnly, KeyStateRules.Rule.ScheduleDeletion);
        KmsCall.RequireCustomerManaged(key);
        var due = call.Now.AddDays(days);
        var updated = await call.Kms.UpdateKeyAsync(key, k =>
        {
            KeyStateRules.Check(KeyStateRules.Rule.ScheduleDeletion, k);
            // A multi-Region primary outlives its replicas: PendingReplicaDeletion until the last one is deleted, then
            // PendingDeletion with its waiting period from that moment (ScheduleKeyDeletion API reference).
            return k.IsMultiRegion && k.IsPrimary && call.Kms.Store.Copies(k.KeyId).Count > 1
                ? k with { KeyState = KeyStates.PendingReplicaDeletion, DeletionDate = null, PendingDeletionWindowInDays = days }
                : k with { KeyState = KeyStates.PendingDeletion, DeletionDate = due, PendingDeletionWindowInDays = days };
        }, call.CancellationToken);
        if (updated.DeletionDate is { } date)
        {
            call.Kms.ScheduleMaintenance(date);
        }
        return new ScheduleKeyDeletionResponse(updated.Arn, updated.DeletionDate, updated.KeyState, days);
    }
}
