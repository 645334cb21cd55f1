using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.Kms;

/// <summary>RotateKeyOnDemand over the wire with the AWS SDK for .NET, as a client that follows AWS's docs sees it.</summary>
public sealed class RotateKeyOnDemandTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_rotation_is_complete_when_the_call_returns_and_old_ciphertext_still_decrypts()
    {
        using var kms = server.Kms();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var before = await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1, 2, 3]) });

        // AWS answers the key ARN, whichever form of key id the request named (LocalStack's AWS-validated
        // test_rotate_on_demand_returns_arn_for_key_id).
        var rotated = await kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = key.KeyId });
        Assert.Equal(key.Arn, rotated.KeyId);

        // AWS reports OnDemandRotationStartDate only while a rotation is in progress; clients poll until it is gone.
        var status = await kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = key.KeyId });
        Assert.Null(status.OnDemandRotationStartDate);
        Assert.False(status.KeyRotationEnabled);
        var rotations = await kms.ListKeyRotationsAsync(new ListKeyRotationsRequest { KeyId = key.KeyId });
        var rotation = Assert.Single(rotations.Rotations);
        Assert.Equal(RotationType.ON_DEMAND, rotation.RotationType);

        var after = await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1, 2, 3]) });
        Assert.NotEqual(before.CiphertextBlob.ToArray(), after.CiphertextBlob.ToArray());
        var decrypted = await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = before.CiphertextBlob });
        Assert.Equal([1, 2, 3], decrypted.Plaintext.ToArray());
        Assert.Equal(key.Arn, decrypted.KeyId);
    }

    [Fact]
    public async Task Asymmetric_disabled_and_missing_keys_are_refused_with_AWS_errors()
    {
        using var kms = server.Kms();
        var rsa = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_4096, KeyUsage = KeyUsageType.ENCRYPT_DECRYPT })).KeyMetadata;
        await Assert.ThrowsAsync<UnsupportedOperationException>(() => kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = rsa.KeyId }));
        var disabled = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = disabled.KeyId });
        await Assert.ThrowsAsync<DisabledException>(() => kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = disabled.KeyId }));
        await Assert.ThrowsAsync<NotFoundException>(() => kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = "1234abcd-12ab-34cd-56ef-1234567890ab" }));
    }

    [Fact]
    public async Task A_key_that_is_not_symmetric_is_refused_with_no_message_member_as_boto3_sees_AWS_answer()
    {
        // LocalStack's AWS-recorded test_rotate_key_on_demand_raises_error_given_non_symmetric_key: code, status and
        // nothing else (botocore adds a top-level "message" only when the body has one).
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync("""
import os, boto3
from botocore.config import Config
from botocore.exceptions import ClientError
kms = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=Config(retries={"max_attempts": 1}))
key = kms.create_key(KeySpec="RSA_4096", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["KeyId"]
try:
    kms.rotate_key_on_demand(KeyId=key)
    raise AssertionError("rotated")
except ClientError as e:
    r = e.response
    assert (r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]) == (400, {"Code": "UnsupportedOperationException", "Message": ""}), r
    assert "message" not in r, r
""");
    }
}
