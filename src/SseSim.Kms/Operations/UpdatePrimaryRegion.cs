using SseSim.Kms.Model;

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

/// <summary>
/// Makes the replica in PrimaryRegion the primary and the old primary a replica. AWS shows both as Updating for a few
/// seconds; here the change is complete, on every copy in one batch, when the call returns.
/// </summary>
public static class UpdatePrimaryRegion
{
    public static async ValueTask<EmptyResponse> ExecuteAsync(KmsCall call, UpdatePrimaryRegionRequest request)
    {
        var region = request.PrimaryRegion!;
        var key = await MultiRegion.UsePrimaryAsync(call, request.KeyId!, region);
        if (region == key.Region)
        {
            throw KmsException.Validation($"{key.Arn} is already the primary key: PrimaryRegion must name the Region of one of its replica keys.");
        }
        var store = call.Kms.Store;
        var replica = store.FindKey(key.KeyId, region) is { } r && r.AccountId == key.AccountId ? r
            : throw KmsException.NotFound($"Key 'arn:aws:kms:{region}:{key.AccountId}:key/{key.KeyId}' does not exist");
        call.Touch(replica);
        // The new primary's own key policy must allow it too (API reference, required permissions).
        call.Kms.Authorizer.Authorize(call, replica, "kms:UpdatePrimaryRegion", null, null);
        KeyStateRules.Check(KeyStateRules.Rule.Metadata, replica);

        await store.WriteLock.WaitAsync(call.CancellationToken);
        try
        {
            await store.PutKeysAsync([.. store.Copies(key.KeyId).Select(c => c with { PrimaryRegion = region })], call.CancellationToken);
        }
        finally
        {
            store.WriteLock.Release();
        }
        return new EmptyResponse();
    }
}
