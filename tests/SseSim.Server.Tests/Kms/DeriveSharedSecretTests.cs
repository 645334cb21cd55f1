using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.Kms;

/// <summary>DeriveSharedSecret over the wire with the AWS SDK for .NET, checked against a local ECDH peer.</summary>
public sealed class DeriveSharedSecretTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_sdk_derives_the_secret_a_local_peer_derives_and_the_audit_keeps_it_out()
    {
        using var kms = server.Kms();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_NIST_P384, KeyUsage = KeyUsageType.KEY_AGREEMENT })).KeyMetadata;
        Assert.Equal(["ECDH"], key.KeyAgreementAlgorithms);
        var described = (await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId })).KeyMetadata;
        Assert.Equal(["ECDH"], described.KeyAgreementAlgorithms);
        var kmsPublic = await kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.Arn });
        Assert.Equal(["ECDH"], kmsPublic.KeyAgreementAlgorithms);

        using var local = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP384);
        var derived = await kms.DeriveSharedSecretAsync(new DeriveSharedSecretRequest
        {
            KeyId = key.KeyId,
            KeyAgreementAlgorithm = KeyAgreementAlgorithmSpec.ECDH,
            PublicKey = new MemoryStream(local.ExportSubjectPublicKeyInfo()),
        });
        Assert.Equal(key.Arn, derived.KeyId);
        Assert.Equal(KeyAgreementAlgorithmSpec.ECDH, derived.KeyAgreementAlgorithm);
        Assert.Equal(OriginType.AWS_KMS, derived.KeyOrigin);
        using var peer = ECDiffieHellman.Create();
        peer.ImportSubjectPublicKeyInfo(kmsPublic.PublicKey.ToArray(), out _);
        var expected = local.DeriveRawSecretAgreement(peer.PublicKey);
        Assert.Equal(expected, derived.SharedSecret.ToArray());

        var signing = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_NIST_P256, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata;
        await Assert.ThrowsAsync<InvalidKeyUsageException>(() => kms.DeriveSharedSecretAsync(new DeriveSharedSecretRequest
        {
            KeyId = signing.KeyId,
            KeyAgreementAlgorithm = KeyAgreementAlgorithmSpec.ECDH,
            PublicKey = new MemoryStream(local.ExportSubjectPublicKeyInfo()),
        }));

        // The call is audited with its key, and neither the secret nor the caller's public key is in the event.
        await server.Services.GetRequiredService<SseSim.Kms.KmsService>().Audit.FlushAsync();
        var events = await Durability.SignedJson.LookupEventsAsync(server.Endpoint, "DeriveSharedSecret");
        var ev = Assert.Single(events, e => e.GetProperty("resources")[0].GetProperty("ARN").GetString() == key.Arn);
        Assert.Equal("ECDH", ev.GetProperty("requestParameters").GetProperty("keyAgreementAlgorithm").GetString());
        var json = ev.GetRawText();
        Assert.DoesNotContain(Convert.ToBase64String(expected), json, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(local.ExportSubjectPublicKeyInfo()), json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_public_key_that_is_not_DER_is_a_ValidationException_with_no_message_as_boto3_sees_AWS_answer()
    {
        // LocalStack's AWS-recorded test_derive_shared_secret ("response-invalid-public-key").
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync("""
import os, boto3
from botocore.config import Config
from botocore.exceptions import ClientError
kms = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1", config=Config(retries={"max_attempts": 1}))
key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="KEY_AGREEMENT")["KeyMetadata"]["KeyId"]
try:
    kms.derive_shared_secret(KeyId=key, KeyAgreementAlgorithm="ECDH", PublicKey=b"InvalidPublicKey")
    raise AssertionError("derived")
except ClientError as e:
    r = e.response
    assert (r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]) == (400, {"Code": "ValidationException", "Message": ""}), r
    assert "message" not in r, r
""");
    }
}
