namespace SseSim.Kms;

public static partial class KmsOperationCatalog
{
    private static void RegisterCryptography(IKmsOperationRegistry r)
    {
        _ = r;
    }
}
