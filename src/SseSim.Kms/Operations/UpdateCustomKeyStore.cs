namespace SseSim.Kms.Operations;

public sealed record UpdateCustomKeyStoreRequest : XksProxySettings, IValidatedRequest
{
    public string? CustomKeyStoreId { get; init; }
    public string? NewCustomKeyStoreName { get; init; }
    public string? KeyStorePassword { get; init; }
    public string? CloudHsmClusterId { get; init; }

    public void Validate(ref RequestErrors errors)
    {
        errors.String(CustomKeyStoreId, "customKeyStoreId", 1, 64, required: true);
        errors.String(NewCustomKeyStoreName, "newCustomKeyStoreName", 1, 256);
        errors.String(KeyStorePassword, "keyStorePassword", 7, 32, sensitive: true);
        errors.String(CloudHsmClusterId, "cloudHsmClusterId", 19, 24, pattern: ModelPatterns.CloudHsmClusterIdType);
        ValidateXksProxy(ref errors);
    }
}

public sealed record UpdateCustomKeyStoreResponse;

/// <summary>No custom key store exists in SseSim (<see cref="CustomKeyStores"/>), so the id names a missing one.</summary>
public static class UpdateCustomKeyStore
{
    public static ValueTask<UpdateCustomKeyStoreResponse> ExecuteAsync(KmsCall call, UpdateCustomKeyStoreRequest request) =>
        throw CustomKeyStores.NotFound(request.CustomKeyStoreId);
}
