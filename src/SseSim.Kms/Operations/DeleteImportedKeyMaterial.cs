using SseSim.Kms.Model;

namespace SseSim.Kms.Operations;

public sealed record DeleteImportedKeyMaterialRequest : IValidatedRequest
{
    public string? KeyId { get; init; }
    public string? KeyMaterialId { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(KeyId, "keyId", 1, 2048, required: true);
        errors.String(KeyMaterialId, "keyMaterialId", 64, 64, pattern: ModelPatterns.BackingKeyIdType);
    }
}

public sealed record DeleteImportedKeyMaterialResponse(string KeyId, string? KeyMaterialId);

public static class DeleteImportedKeyMaterial
{
    public static async ValueTask<DeleteImportedKeyMaterialResponse> ExecuteAsync(KmsCall call, DeleteImportedKeyMaterialRequest request)
    {
        // Allowed in every state of an EXTERNAL key, pending deletion included (key-state table footnote 9).
        var key = await call.UseKeyAsync(request.KeyId!, KeyIdForms.KeyOnly, KeyStateRules.Rule.Always);
        if (key.Origin != Origins.External)
        {
            throw KmsException.Unsupported($"{key.Arn} origin is {key.Origin} which is not valid for this operation.");
        }
        // Without a KeyMaterialId the current material goes; with one, any of the key's materials, the one pending
        // rotation included.
        var target = request.KeyMaterialId is { } id
            ? key.FindAnyMaterial(id) ?? throw KmsException.NotFound($"Key material {id} is not associated with {key.Arn}.")
            : key.CurrentMaterial;
        if (target is not { Sealed.Length: > 0 })
        {
            // Nothing imported there (PendingImport): no effect, as AWS documents.
            return new DeleteImportedKeyMaterialResponse(key.Arn, target?.Id);
        }
        var targetId = target.Id;
        await call.Kms.UpdateKeyAsync(key, k => CryptoSupport.Wipe(k, m => m.Id == targetId), call.CancellationToken);
        call.Kms.Vault.Forget(key.KeyId);
        return new DeleteImportedKeyMaterialResponse(key.Arn, targetId);
    }
}
