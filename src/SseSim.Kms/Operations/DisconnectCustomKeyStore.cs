namespace SseSim.Kms.Operations;

public sealed record DisconnectCustomKeyStoreRequest : IValidatedRequest
{
    public string? CustomKeyStoreId { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(CustomKeyStoreId, "customKeyStoreId", 1, 64, required: true);
    }
}

public sealed record DisconnectCustomKeyStoreResponse;

/// <summary>No custom key store exists in SseSim (<see cref="CustomKeyStores"/>), so the id names a missing one.</summary>
public static class DisconnectCustomKeyStore
{
    public static ValueTask<DisconnectCustomKeyStoreResponse> ExecuteAsync(KmsCall call, DisconnectCustomKeyStoreRequest request) =>
        throw CustomKeyStores.NotFound(request.CustomKeyStoreId);
}
