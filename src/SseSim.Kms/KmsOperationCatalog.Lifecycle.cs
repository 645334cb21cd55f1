using SseSim.Kms.Operations;

namespace SseSim.Kms;

public static partial class KmsOperationCatalog
{
    private static void RegisterLifecycle(IKmsOperationRegistry r)
    {
        r.Add<CreateKeyRequest, CreateKeyResponse>("CreateKey", CreateKey.ExecuteAsync);
        r.Add<DescribeKeyRequest, DescribeKeyResponse>("DescribeKey", DescribeKey.ExecuteAsync);
        r.Add<ListKeysRequest, ListKeysResponse>("ListKeys", ListKeys.ExecuteAsync);
    }
}
