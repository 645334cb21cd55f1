using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.Kms;

/// <summary>
/// DescribeKey's KeyMetadata through boto3: exactly the members AWS returns for each kind of key and state (as
/// recorded against AWS and as the API reference's "present only when" notes say), no more and no fewer.
/// </summary>
public sealed class DescribeKeyTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task KeyMetadata_carries_the_members_AWS_returns_for_each_key_kind_and_state()
    {
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync("""
import os, boto3
kms = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
COMMON = {"AWSAccountId", "Arn", "CreationDate", "CustomerMasterKeySpec", "Description", "Enabled", "KeyId",
          "KeyManager", "KeySpec", "KeyState", "KeyUsage", "MultiRegion", "Origin"}
def members(key_id):
    return set(kms.describe_key(KeyId=key_id)["KeyMetadata"])

sym = kms.create_key()["KeyMetadata"]["KeyId"]
assert members(sym) == COMMON | {"EncryptionAlgorithms", "CurrentKeyMaterialId"}, members(sym)
hmac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
assert members(hmac) == COMMON | {"MacAlgorithms"}, members(hmac)
sign = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
assert members(sign) == COMMON | {"SigningAlgorithms"}, members(sign)
agree = kms.create_key(KeySpec="ECC_NIST_P384", KeyUsage="KEY_AGREEMENT")["KeyMetadata"]["KeyId"]
assert members(agree) == COMMON | {"KeyAgreementAlgorithms"}, members(agree)
# The deprecated CustomerMasterKeySpec has no ML-DSA (or Ed25519) value: AWS leaves it out (CLI create-key example 4).
mldsa = kms.create_key(KeySpec="ML_DSA_65", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
assert members(mldsa) == (COMMON - {"CustomerMasterKeySpec"}) | {"SigningAlgorithms"}, members(mldsa)
assert "CustomerMasterKeySpec" not in kms.get_public_key(KeyId=mldsa), "GetPublicKey"
external = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
assert members(external) == COMMON | {"EncryptionAlgorithms"}, members(external)

# A single-Region key pending deletion shows DeletionDate; PendingDeletionWindowInDays belongs to
# PendingReplicaDeletion (a multi-Region primary with replicas; MultiRegionKeyTests).
kms.schedule_key_deletion(KeyId=sym, PendingWindowInDays=7)
assert members(sym) == COMMON | {"EncryptionAlgorithms", "CurrentKeyMaterialId", "DeletionDate"}, members(sym)
kms.cancel_key_deletion(KeyId=sym)
assert "DeletionDate" not in members(sym)

# Keys without automatic rotation answer "not enabled" (Terraform reads this for every AWS_KMS key).
for key in (hmac, sign, agree):
    status = kms.get_key_rotation_status(KeyId=key)
    status.pop("ResponseMetadata")
    assert status == {"KeyRotationEnabled": False, "KeyId": kms.describe_key(KeyId=key)["KeyMetadata"]["Arn"]}, status
""");
    }
}
