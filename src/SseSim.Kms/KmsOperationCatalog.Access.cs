namespace SseSim.Kms;

public static partial class KmsOperationCatalog
{
    private static void RegisterAccess(IKmsOperationRegistry r)
    {
        _ = r;
    }
}
