using SseSim.Kms.Operations;

namespace SseSim.Kms;

public static partial class KmsOperationCatalog
{
    /// <summary>
    /// Operations on things SseSim does not simulate (custom key stores): each validates its request
    /// and answers the error AWS documents for a store or key that is not there.
    /// </summary>
    private static void RegisterUnsimulated(IKmsOperationRegistry r)
    {
        r.Add<CreateCustomKeyStoreRequest, CreateCustomKeyStoreResponse>("CreateCustomKeyStore", CreateCustomKeyStore.ExecuteAsync);
        r.Add<DescribeCustomKeyStoresRequest, DescribeCustomKeyStoresResponse>("DescribeCustomKeyStores", DescribeCustomKeyStores.ExecuteAsync);
        r.Add<ConnectCustomKeyStoreRequest, ConnectCustomKeyStoreResponse>("ConnectCustomKeyStore", ConnectCustomKeyStore.ExecuteAsync);
        r.Add<DisconnectCustomKeyStoreRequest, DisconnectCustomKeyStoreResponse>("DisconnectCustomKeyStore", DisconnectCustomKeyStore.ExecuteAsync);
        r.Add<UpdateCustomKeyStoreRequest, UpdateCustomKeyStoreResponse>("UpdateCustomKeyStore", UpdateCustomKeyStore.ExecuteAsync);
        r.Add<DeleteCustomKeyStoreRequest, DeleteCustomKeyStoreResponse>("DeleteCustomKeyStore", DeleteCustomKeyStore.ExecuteAsync);
    }
}
