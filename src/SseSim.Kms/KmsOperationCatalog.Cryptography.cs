using SseSim.Kms.Operations;

namespace SseSim.Kms;

public static partial class KmsOperationCatalog
{
    private static void RegisterCryptography(IKmsOperationRegistry r)
    {
        r.Add<EncryptRequest, EncryptResponse>("Encrypt", Encrypt.ExecuteAsync);
        r.Add<DecryptRequest, DecryptResponse>("Decrypt", Decrypt.ExecuteAsync);
        r.Add<ReEncryptRequest, ReEncryptResponse>("ReEncrypt", ReEncrypt.ExecuteAsync);
        r.Add<GenerateDataKeyRequest, GenerateDataKeyResponse>("GenerateDataKey", GenerateDataKey.ExecuteAsync);
        r.Add<GenerateDataKeyWithoutPlaintextRequest, GenerateDataKeyWithoutPlaintextResponse>("GenerateDataKeyWithoutPlaintext", GenerateDataKeyWithoutPlaintext.ExecuteAsync);
        r.Add<GenerateDataKeyPairRequest, GenerateDataKeyPairResponse>("GenerateDataKeyPair", GenerateDataKeyPair.ExecuteAsync);
        r.Add<GenerateDataKeyPairWithoutPlaintextRequest, GenerateDataKeyPairWithoutPlaintextResponse>("GenerateDataKeyPairWithoutPlaintext", GenerateDataKeyPairWithoutPlaintext.ExecuteAsync);
        r.Add<GenerateRandomRequest, GenerateRandomResponse>("GenerateRandom", GenerateRandom.ExecuteAsync);
        r.Add<SignRequest, SignResponse>("Sign", Sign.ExecuteAsync);
        r.Add<VerifyRequest, VerifyResponse>("Verify", Verify.ExecuteAsync);
        r.Add<GetPublicKeyRequest, GetPublicKeyResponse>("GetPublicKey", GetPublicKey.ExecuteAsync);
        r.Add<GenerateMacRequest, GenerateMacResponse>("GenerateMac", GenerateMac.ExecuteAsync);
        r.Add<VerifyMacRequest, VerifyMacResponse>("VerifyMac", VerifyMac.ExecuteAsync);
        r.Add<DeriveSharedSecretRequest, DeriveSharedSecretResponse>("DeriveSharedSecret", DeriveSharedSecret.ExecuteAsync);
        r.Add<GetParametersForImportRequest, GetParametersForImportResponse>("GetParametersForImport", GetParametersForImport.ExecuteAsync);
        r.Add<ImportKeyMaterialRequest, ImportKeyMaterialResponse>("ImportKeyMaterial", ImportKeyMaterial.ExecuteAsync);
        r.Add<DeleteImportedKeyMaterialRequest, DeleteImportedKeyMaterialResponse>("DeleteImportedKeyMaterial", DeleteImportedKeyMaterial.ExecuteAsync);
    }
}
