using SseSim.Kms.Authorization;
using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record ReplicateKeyRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public string? ReplicaRegion { get; init; }
    public string? Policy { get; init; }
    public bool? BypassPolicyLockoutSafetyCheck { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<Tag>? Tags { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.String(ReplicaRegion, "replicaRegion", 1, 32, required: true, pattern: ModelPatterns.RegionType);
        errors.String(Policy, "policy", 1, 131072, pattern: ModelPatterns.PolicyType);
        errors.String(Description, "description", 0, 8192);
        errors.Tags(Tags, "tags");
    }
}

public sealed record ReplicateKeyResponse(KeyMetadata ReplicaKeyMetadata, string ReplicaPolicy, IReadOnlyList<Tag> ReplicaTags);

/// <summary>
/// Creates a copy of a multi-Region primary in another Region: same key id, spec, usage, origin, material and rotation;
/// its own description, policy (the default unless given) and tags.
/// </summary>
public static class ReplicateKey
{
    public static async ValueTask<ReplicateKeyResponse> ExecuteAsync(KmsCall call, ReplicateKeyRequest request)
    {
        var region = request.ReplicaRegion!;
        var primary = await MultiRegion.UsePrimaryAsync(call, request.KeyId!, region);
        MultiRegion.ValidateReplicaRegion(primary, region);
        Validate.Tags(request.Tags);
        var policy = request.Policy ?? KeyPolicies.Default(call.Caller.AccountId);
        call.Kms.Authorizer.ValidatePolicy(policy, call.Caller, request.BypassPolicyLockoutSafetyCheck == true);
        var tags = request.Tags ?? [];

        var store = call.Kms.Store;
        KmsKey replica;
        await store.WriteLock.WaitAsync(call.CancellationToken);
        try
        {
            var current = store.Current(primary) ?? throw KmsException.NotFound($"Key '{primary.Arn}' does not exist");
            // One copy per Region: the primary's own, or a replica's even while it is pending deletion.
            if (store.FindKey(primary.KeyId, region) is { } existing)
            {
                throw new KmsException("AlreadyExistsException", $"{existing.Arn} already exists.");
            }
            // An imported key's replica has the primary's material versions by id only, none imported: the same
            // material must be imported into it (ImportType EXISTING_KEY_MATERIAL), which its id then proves.
            replica = MultiRegion.SyncShared(current, current with
            {
                Region = region,
                CreationDate = call.Now,
                Description = request.Description ?? "",
                KeyState = current.Origin == Origins.External ? KeyStates.PendingImport : KeyStates.Enabled,
                Materials = [],
                PendingMaterial = null,
                DeletionDate = null,
                PendingDeletionWindowInDays = null,
                Policy = policy,
                Tags = [.. tags.Select(t => new KmsTag(t.TagKey, t.TagValue))],
            });
            call.Touch(replica);
            await store.PutKeyAsync(replica, call.CancellationToken);
        }
        finally
        {
            store.WriteLock.Release();
        }
        // AWS answers while the replica is still being made (KeyState Creating, not enabled yet); here it is made by
        // the time the call returns, so the next call finds it Enabled.
        var metadata = KeyMetadata.From(replica, store.Copies(replica.KeyId)) with { KeyState = KeyStates.Creating, Enabled = false };
        return new ReplicateKeyResponse(metadata, policy, tags);
    }
}
