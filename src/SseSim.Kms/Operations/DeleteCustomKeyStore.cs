namespace SseSim.Kms.Operations;

public sealed record DeleteCustomKeyStoreRequest : IValidatedRequest
{
    public string? CustomKeyStoreId { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(CustomKeyStoreId, "customKeyStoreId", 1, 64, required: true);
    }
}

public sealed record DeleteCustomKeyStoreResponse;

/// <summary>No custom key store exists in SseSim (<see cref="CustomKeyStores"/>), so the id names a missing one.</summary>
public static class DeleteCustomKeyStore
{
    public static ValueTask<DeleteCustomKeyStoreResponse> ExecuteAsync(KmsCall call, DeleteCustomKeyStoreRequest request) =>
        throw CustomKeyStores.NotFound(request.CustomKeyStoreId);
}
