namespace SseSim.Kms.Operations;

// Enums and patterns of the KMS API model (botocore kms/2014-11-01), named after their shapes, written from the model,
// not read at run time. Validation messages print an enum set in this order. It is the model order, except where AWS was
// recorded printing a set that has not changed since in another order (AWS's order is not the model's: it printed keySpec
// and keyUsage in other orders too, but those sets have grown since, so their current order is unknown).

public static class ModelEnums
{
    public static readonly string[] AlgorithmSpec = ["RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256", "SM2PKE"];
    public static readonly string[] CustomKeyStoreType = ["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"];
    public static readonly string[] CustomerMasterKeySpec = ["RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2"];
    public static readonly string[] DataKeyPairSpec = ["RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SM2", "ECC_NIST_EDWARDS25519"];
    public static readonly string[] DataKeySpec = ["AES_256", "AES_128"];
    public static readonly string[] DryRunModifierType = ["IGNORE_CIPHERTEXT"];
    public static readonly string[] EncryptionAlgorithmSpec = ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"];
    public static readonly string[] ExpirationModelType = ["KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE"];
    public static readonly string[] GrantOperation = ["Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "Sign", "Verify", "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac", "DeriveSharedSecret"];
    public static readonly string[] ImportType = ["NEW_KEY_MATERIAL", "EXISTING_KEY_MATERIAL"];
    public static readonly string[] IncludeKeyMaterial = ["ALL_KEY_MATERIAL", "ROTATIONS_ONLY"];
    public static readonly string[] KeyAgreementAlgorithmSpec = ["ECDH"];
    public static readonly string[] KeyEncryptionMechanism = ["RSAES_OAEP_SHA_256"];
    public static readonly string[] KeyLastUsageTrackingOperation = ["Decrypt", "DeriveSharedSecret", "Encrypt", "GenerateDataKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GenerateDataKeyWithoutPlaintext", "GenerateMac", "ReEncrypt", "Sign", "Verify", "VerifyMac"];
    public static readonly string[] KeySpec = ["RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87", "ECC_NIST_EDWARDS25519"];
    public static readonly string[] KeyUsageType = ["SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"];
    // As AWS printed it for GenerateMac and VerifyMac (LocalStack's AWS-recorded test_invalid_generate_mac/verify_mac).
    public static readonly string[] MacAlgorithmSpec = ["HMAC_SHA_384", "HMAC_SHA_256", "HMAC_SHA_224", "HMAC_SHA_512"];
    public static readonly string[] MessageType = ["RAW", "DIGEST", "EXTERNAL_MU"];
    public static readonly string[] OriginType = ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"];
    public static readonly string[] SigningAlgorithmSpec = ["RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512", "ECDSA_SHA_256", "ECDSA_SHA_384", "ECDSA_SHA_512", "SM2DSA", "ML_DSA_SHAKE_256", "ED25519_SHA_512", "ED25519_PH_SHA_512"];
    public static readonly string[] WrappingKeySpec = ["RSA_2048", "RSA_3072", "RSA_4096", "SM2"];
    public static readonly string[] XksProxyConnectivityType = ["PUBLIC_ENDPOINT", "VPC_ENDPOINT_SERVICE"];
}

public static class ModelPatterns
{
    public static readonly ModelPattern AccountIdType = new(@"[0-9]{12}");
    public static readonly ModelPattern AliasNameType = new(@"^[a-zA-Z0-9:/_-]+$");
    public static readonly ModelPattern BackingKeyIdType = new(@"^[a-f0-9]+$");
    public static readonly ModelPattern CloudHsmClusterIdType = new(@"cluster-[2-7a-zA-Z]{11,16}");
    public static readonly ModelPattern GrantNameType = new(@"^[a-zA-Z0-9:/_-]+$");
    public static readonly ModelPattern KeyMaterialDescriptionType = new(@"^[a-zA-Z0-9:/_\s.-]+$");
    public static readonly ModelPattern MarkerType = new(@"[\u0020-\u00FF]*");
    public static readonly ModelPattern PolicyNameType = new(@"[\w]+");
    public static readonly ModelPattern PolicyType = new(@"[\u0009\u000A\u000D\u0020-\u00FF]+");
    public static readonly ModelPattern PrincipalIdType = new(@"^[\w+=,.@:/-]+$");
    public static readonly ModelPattern RegionType = new(@"^([a-z]+-){2,3}\d+$");
    public static readonly ModelPattern XksKeyIdType = new(@"^[a-zA-Z0-9-_.]+$");
    public static readonly ModelPattern XksProxyAuthenticationAccessKeyIdType = new(@"^[A-Z2-7]+$");
    public static readonly ModelPattern XksProxyAuthenticationRawSecretAccessKeyType = new(@"^[a-zA-Z0-9\/+=]+$");
    public static readonly ModelPattern XksProxyUriEndpointType = new(@"^https://[a-zA-Z0-9.-]+$");
    public static readonly ModelPattern XksProxyUriPathType = new(@"^(/[a-zA-Z0-9\/_-]+/kms/xks/v\d{1,2})$|^(/kms/xks/v\d{1,2})$");
    public static readonly ModelPattern XksProxyVpcEndpointServiceNameType = new(@"^(com|eu)\.amazonaws\.vpce\.([a-z]+-){2,3}\d+\.vpce-svc-[0-9a-z]+$");
}
