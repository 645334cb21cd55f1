using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.Kms;

/// <summary>GetKeyLastUsage through the AWS SDK for .NET: the newest successful cryptographic call, as CloudTrail recorded it.</summary>
public sealed class GetKeyLastUsageTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task GetKeyLastUsage_reports_the_newest_successful_cryptographic_call_and_its_CloudTrail_event()
    {
        using var kms = server.Kms();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;

        var unused = await kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = key.KeyId });
        Assert.Equal(key.Arn, unused.KeyId);
        Assert.Null(unused.KeyLastUsage?.Operation);
        Assert.Equal(key.CreationDate, unused.KeyCreationDate);
        Assert.Equal(key.CreationDate, unused.TrackingStartDate);

        var blob = (await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream([1, 2, 3]) })).CiphertextBlob;
        await kms.DecryptAsync(new DecryptRequest { CiphertextBlob = blob });
        // Neither a failed call nor a non-cryptographic one counts.
        await Assert.ThrowsAsync<InvalidCiphertextException>(() => kms.DecryptAsync(new DecryptRequest
        {
            CiphertextBlob = blob,
            EncryptionContext = new Dictionary<string, string> { ["a"] = "b" },
        }));
        await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.KeyId });

        var used = await kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = key.Arn });
        Assert.Equal(KeyLastUsageTrackingOperation.Decrypt, used.KeyLastUsage.Operation);
        var decrypts = await Durability.SignedJson.LookupEventsAsync(server.Endpoint, "Decrypt");
        var success = decrypts.Single(e => !e.TryGetProperty("errorCode", out _)
            && e.GetProperty("resources")[0].GetProperty("ARN").GetString() == key.Arn);
        Assert.Equal(success.GetProperty("eventID").GetString(), used.KeyLastUsage.CloudTrailEventId);
        Assert.Equal(success.GetProperty("requestID").GetString(), used.KeyLastUsage.KmsRequestId);
        Assert.True(used.KeyLastUsage.Timestamp >= key.CreationDate);

        await Assert.ThrowsAsync<NotFoundException>(() => kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = Guid.NewGuid().ToString() }));
        // Alias names are not accepted (model doc: "Alias names are not supported").
        await Assert.ThrowsAsync<NotFoundException>(() => kms.GetKeyLastUsageAsync(new GetKeyLastUsageRequest { KeyId = "alias/aws/s3" }));
    }

    [Fact]
    public async Task A_direct_KMS_calls_event_carries_the_request_ID_the_caller_was_answered_with()
    {
        // CloudTrail's requestID is the ID the service answered the call with, so a script can find its own call's
        // event (and GetKeyLastUsage's KmsRequestId names that call).
        Assert.True(S3Clients.PythonBoto3Available, "python3 with boto3 must be installed");
        await server.RunPythonAsync("""
import os, json, boto3
kms = boto3.client("kms", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
ct = boto3.client("cloudtrail", endpoint_url=os.environ["SSESIM_ENDPOINT"], region_name="us-east-1")
key = kms.create_key()["KeyMetadata"]["Arn"]
encrypted = kms.encrypt(KeyId=key, Plaintext=b"find me")
request_id = encrypted["ResponseMetadata"]["RequestId"]
assert request_id == encrypted["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"], encrypted["ResponseMetadata"]
events = ct.lookup_events(LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": key}])["Events"]
ids = {e["EventName"]: json.loads(e["CloudTrailEvent"])["requestID"] for e in events}
assert ids.get("Encrypt") == request_id, (ids, request_id)
assert len(set(ids.values())) == len(ids), ids
last = kms.get_key_last_usage(KeyId=key)["KeyLastUsage"]
assert last["KmsRequestId"] == request_id, last
""");
    }
}
