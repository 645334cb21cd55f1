namespace SseSim.Kms.Operations;

public sealed record ConnectCustomKeyStoreRequest : IValidatedRequest
{
    public string? CustomKeyStoreId { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(CustomKeyStoreId, "customKeyStoreId", 1, 64, required: true);
    }
}

public sealed record ConnectCustomKeyStoreResponse;

/// <summary>No custom key store exists in SseSim (<see cref="CustomKeyStores"/>), so the id names a missing one.</summary>
public static class ConnectCustomKeyStore
{
    public static ValueTask<ConnectCustomKeyStoreResponse> ExecuteAsync(KmsCall call, ConnectCustomKeyStoreRequest request) =>
        throw CustomKeyStores.NotFound(request.CustomKeyStoreId);
}
