namespace SseSim.Kms.Model;

/// <summary>Enum values exactly as the KMS API model spells them (botocore kms/2014-11-01).</summary>
public static class KeyStates
{
    public const string Enabled = "Enabled";
    public const string Disabled = "Disabled";
    public const string PendingDeletion = "PendingDeletion";
    public const string PendingImport = "PendingImport";
    public const string Unavailable = "Unavailable";
    public const string Creating = "Creating";
    public const string Updating = "Updating";
    public const string PendingReplicaDeletion = "PendingReplicaDeletion";
}

public static class KeyUsages
{
    public const string EncryptDecrypt = "ENCRYPT_DECRYPT";
    public const string SignVerify = "SIGN_VERIFY";
    public const string GenerateVerifyMac = "GENERATE_VERIFY_MAC";
    public const string KeyAgreement = "KEY_AGREEMENT";
}

public static class Origins
{
    public const string AwsKms = "AWS_KMS";
    public const string External = "EXTERNAL";
}

/// <summary>What each key spec allows: usages and the algorithms KMS advertises for each usage.</summary>
public sealed record KeySpecInfo(string KeySpec, string Family, int Bits, IReadOnlyList<string> Usages)
{
    public const string Symmetric = "SYMMETRIC";
    public const string Rsa = "RSA";
    public const string Ecc = "ECC";
    public const string Hmac = "HMAC";
    public const string Ed25519 = "ED25519";
    public const string MlDsa = "ML_DSA";

    private static readonly string[] RsaSigning =
        ["RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512"];
    private static readonly string[] RsaEncryption = ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"];

    public static readonly IReadOnlyDictionary<string, KeySpecInfo> All = new Dictionary<string, KeySpecInfo>
    {
        ["SYMMETRIC_DEFAULT"] = new("SYMMETRIC_DEFAULT", Symmetric, 256, [KeyUsages.EncryptDecrypt]),
        ["RSA_2048"] = new("RSA_2048", Rsa, 2048, [KeyUsages.EncryptDecrypt, KeyUsages.SignVerify]),
        ["RSA_3072"] = new("RSA_3072", Rsa, 3072, [KeyUsages.EncryptDecrypt, KeyUsages.SignVerify]),
        ["RSA_4096"] = new("RSA_4096", Rsa, 4096, [KeyUsages.EncryptDecrypt, KeyUsages.SignVerify]),
        ["ECC_NIST_P256"] = new("ECC_NIST_P256", Ecc, 256, [KeyUsages.SignVerify, KeyUsages.KeyAgreement]),
        ["ECC_NIST_P384"] = new("ECC_NIST_P384", Ecc, 384, [KeyUsages.SignVerify, KeyUsages.KeyAgreement]),
        ["ECC_NIST_P521"] = new("ECC_NIST_P521", Ecc, 521, [KeyUsages.SignVerify, KeyUsages.KeyAgreement]),
        ["ECC_SECG_P256K1"] = new("ECC_SECG_P256K1", Ecc, 256, [KeyUsages.SignVerify]),
        ["ECC_NIST_EDWARDS25519"] = new("ECC_NIST_EDWARDS25519", Ed25519, 256, [KeyUsages.SignVerify]),
        // Bits is unused for ML-DSA: the parameter set, not a size, tells the three apart.
        ["ML_DSA_44"] = new("ML_DSA_44", MlDsa, 0, [KeyUsages.SignVerify]),
        ["ML_DSA_65"] = new("ML_DSA_65", MlDsa, 0, [KeyUsages.SignVerify]),
        ["ML_DSA_87"] = new("ML_DSA_87", MlDsa, 0, [KeyUsages.SignVerify]),
        ["HMAC_224"] = new("HMAC_224", Hmac, 224, [KeyUsages.GenerateVerifyMac]),
        ["HMAC_256"] = new("HMAC_256", Hmac, 256, [KeyUsages.GenerateVerifyMac]),
        ["HMAC_384"] = new("HMAC_384", Hmac, 384, [KeyUsages.GenerateVerifyMac]),
        ["HMAC_512"] = new("HMAC_512", Hmac, 512, [KeyUsages.GenerateVerifyMac]),
    };

    public bool IsSymmetric => Family == Symmetric;

    /// <summary>Key specs whose material is a PKCS#8 private key with an SPKI public key.</summary>
    public bool IsAsymmetric => Family is Rsa or Ecc or Ed25519 or MlDsa;

    public IReadOnlyList<string>? EncryptionAlgorithms(string usage) => usage != KeyUsages.EncryptDecrypt ? null
        : Family == Symmetric ? ["SYMMETRIC_DEFAULT"] : Family == Rsa ? RsaEncryption : null;

    public IReadOnlyList<string>? SigningAlgorithms(string usage) => usage != KeyUsages.SignVerify ? null
        : Family == Rsa ? RsaSigning
        : KeySpec switch
        {
            "ECC_NIST_P256" or "ECC_SECG_P256K1" => ["ECDSA_SHA_256"],
            "ECC_NIST_P384" => ["ECDSA_SHA_384"],
            "ECC_NIST_P521" => ["ECDSA_SHA_512"],
            "ECC_NIST_EDWARDS25519" => ["ED25519_SHA_512", "ED25519_PH_SHA_512"],
            "ML_DSA_44" or "ML_DSA_65" or "ML_DSA_87" => ["ML_DSA_SHAKE_256"],
            _ => null,
        };

    /// <summary>NIST curves only: AWS offers KEY_AGREEMENT on ECC_NIST_* (and SM2), not on ECC_SECG_P256K1.</summary>
    public IReadOnlyList<string>? KeyAgreementAlgorithms(string usage) => usage != KeyUsages.KeyAgreement ? null : ["ECDH"];

    public IReadOnlyList<string>? MacAlgorithms(string usage) =>
        usage != KeyUsages.GenerateVerifyMac ? null : [$"HMAC_SHA_{Bits}"];

    /// <summary>SM2 (China Regions only) is modelled by AWS but not simulated.</summary>
    public static bool IsModelledButUnsupported(string spec) => spec is "SM2";
}
