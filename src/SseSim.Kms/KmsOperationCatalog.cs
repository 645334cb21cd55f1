namespace SseSim.Kms;

/// <summary>Receives the explicit operation table; the server binds each entry to its wire protocol.</summary>
public interface IKmsOperationRegistry
{
    void Add<TRequest, TResponse>(string operation, Func<KmsCall, TRequest, ValueTask<TResponse>> handler)
        where TRequest : class, new();
}

/// <summary>
/// Every KMS operation SseSim serves, listed explicitly (no reflection). Split by area into partial files so
/// each area's list sits next to its operations: KmsOperationCatalog.*.cs.
/// </summary>
public static partial class KmsOperationCatalog
{
    public static void RegisterAll(IKmsOperationRegistry registry)
    {
        RegisterLifecycle(registry);
        RegisterCryptography(registry);
        RegisterAccess(registry);
        RegisterUnsimulated(registry);
    }

}
