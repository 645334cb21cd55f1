using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

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
}
