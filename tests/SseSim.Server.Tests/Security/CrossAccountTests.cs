using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using SseSim.Server.Tests.Durability;
using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.Security;

/// <summary>
/// Two accounts from a seed file: Bob (444455556666) cannot use Alice's (111122223333) KMS key, objects or volumes
/// without an explicit grant; every refusal is audited, and Alice sees Bob's refused calls on her key, bucket and
/// volume in her own LookupEvents.
/// </summary>
public sealed class CrossAccountTests : TwoAccountServerTests
{
    [Fact]
    public async Task Kms_key_of_another_account_is_refused_audited_for_the_owner_and_allowed_once_the_policy_says_so()
    {
        using var alice = Server.Kms(Alice, AliceSecret);
        using var bob = Server.Kms(Bob, BobSecret);
        var key = (await alice.CreateKeyAsync(new CreateKeyRequest { Description = "alice's" })).KeyMetadata;

        var denied = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(
            () => bob.EncryptAsync(new EncryptRequest { KeyId = key.Arn, Plaintext = new MemoryStream([1, 2, 3]) }));
        Assert.Equal("AccessDeniedException", denied.ErrorCode);
        Assert.Contains("444455556666", denied.Message, StringComparison.Ordinal);
        Assert.Equal("AccessDeniedException", (await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(
            () => bob.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.Arn, KeySpec = DataKeySpec.AES_256 }))).ErrorCode);

        // The refusal is in Alice's trail (her key), with Bob as the caller and AccessDenied as the error.
        var refusal = await FindEventAsync(Alice, AliceSecret, "Encrypt", e => e.GetProperty("userIdentity").GetProperty("accessKeyId").GetString() == Bob);
        Assert.Equal("AccessDeniedException", refusal.GetProperty("errorCode").GetString());
        // Bob's trail has it too; Alice's own events stay out of Bob's.
        await FindEventAsync(Bob, BobSecret, "Encrypt", e => e.TryGetProperty("errorCode", out var code) && code.GetString() == "AccessDeniedException");
        var (_, bobsView) = await LookupAsync(Bob, BobSecret, "CreateKey");
        Assert.Empty(bobsView.GetProperty("Events").EnumerateArray());

        var policy = JsonSerializer.Deserialize<JsonElement>((await alice.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId, PolicyName = "default" })).Policy);
        var statements = policy.GetProperty("Statement").EnumerateArray().Select(s => (object)s).ToList();
        statements.Add(new { Sid = "bob", Effect = "Allow", Principal = new { AWS = "arn:aws:iam::444455556666:root" }, Action = new[] { "kms:Encrypt", "kms:Decrypt" }, Resource = "*" });
        await alice.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.KeyId, PolicyName = "default", Policy = JsonSerializer.Serialize(new { Version = "2012-10-17", Statement = statements }) });
        var ciphertext = await bob.EncryptAsync(new EncryptRequest { KeyId = key.Arn, Plaintext = new MemoryStream([1, 2, 3]) });
        var plain = await bob.DecryptAsync(new DecryptRequest { CiphertextBlob = ciphertext.CiphertextBlob });
        Assert.Equal(new byte[] { 1, 2, 3 }, plain.Plaintext.ToArray());
        // Still nothing beyond the grant: GenerateDataKey was not allowed.
        Assert.Equal("AccessDeniedException", (await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(
            () => bob.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = key.Arn, KeySpec = DataKeySpec.AES_256 }))).ErrorCode);
    }

    [Fact]
    public async Task Objects_of_another_account_are_AccessDenied()
    {
        using var alice = Server.S3(Alice, AliceSecret);
        using var bob = Server.S3(Bob, BobSecret);
        var bucket = S3Clients.NewBucketName("xacct");
        await alice.PutBucketAsync(bucket);
        await alice.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = "secret.txt", ContentBody = "alice only", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256 });

        foreach (var attempt in new Func<Task>[]
        {
            () => bob.GetObjectAsync(bucket, "secret.txt"),
            () => bob.GetObjectMetadataAsync(bucket, "secret.txt"),
            () => bob.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }),
            () => bob.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = "planted.txt", ContentBody = "x" }),
            () => bob.DeleteObjectAsync(bucket, "secret.txt"),
            () => bob.CopyObjectAsync(bucket, "secret.txt", bucket, "copy.txt"),
            () => bob.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket }),
        })
        {
            var e = await Assert.ThrowsAsync<AmazonS3Exception>(attempt);
            Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
        }
        Assert.DoesNotContain((await bob.ListBucketsAsync()).Buckets ?? [], b => b.BucketName == bucket);
        using var still = await alice.GetObjectAsync(bucket, "secret.txt");
        using var reader = new StreamReader(still.ResponseStream);
        Assert.Equal("alice only", await reader.ReadToEndAsync());

        // Each refusal is audited: in Bob's trail, and a copy with the same sharedEventID in Alice's (the bucket owner).
        bool IsBobsRefusal(JsonElement e) => e.GetProperty("userIdentity").GetProperty("accessKeyId").GetString() == Bob
            && e.GetProperty("requestParameters").GetProperty("bucketName").GetString() == bucket;
        // GetBucketEncryption is a management event: both accounts' LookupEvents show it.
        var bobs = await FindEventAsync(Bob, BobSecret, "GetBucketEncryption", IsBobsRefusal);
        Assert.Equal("s3.amazonaws.com", bobs.GetProperty("eventSource").GetString());
        Assert.Equal("AccessDenied", bobs.GetProperty("errorCode").GetString());
        Assert.Equal("444455556666", bobs.GetProperty("recipientAccountId").GetString());
        var alices = await FindEventAsync(Alice, AliceSecret, "GetBucketEncryption", IsBobsRefusal);
        Assert.Equal("111122223333", alices.GetProperty("recipientAccountId").GetString());
        Assert.Equal(bobs.GetProperty("sharedEventID").GetString(), alices.GetProperty("sharedEventID").GetString());
        // The object calls are data events: recorded (the dashboard's audit view, filtered by the bucket, lists both
        // copies), but never in LookupEvents, which serves CloudTrail's event history (management events only).
        var dashboard = await DashboardAuditAsync("bucket", bucket);
        foreach (var operation in new[] { "GetObject", "HeadObject", "ListObjectsV2", "PutObject", "DeleteObject" })
        {
            var copies = dashboard.Where(e => e.GetProperty("eventName").GetString() == operation && IsBobsRefusal(e)).ToList();
            Assert.Equal(2, copies.Count);
            Assert.All(copies, e =>
            {
                Assert.Equal("AccessDenied", e.GetProperty("errorCode").GetString());
                Assert.Equal("Data", e.GetProperty("eventCategory").GetString());
                Assert.False(e.GetProperty("managementEvent").GetBoolean());
            });
            Assert.Equal(new[] { "111122223333", "444455556666" }, copies.Select(e => e.GetProperty("recipientAccountId").GetString()!).Order().ToArray());
            Assert.Equal(copies[0].GetProperty("sharedEventID").GetString(), copies[1].GetProperty("sharedEventID").GetString());
            Assert.Empty((await LookupAsync(Alice, AliceSecret, operation)).Body.GetProperty("Events").EnumerateArray());
            Assert.Empty((await LookupAsync(Bob, BobSecret, operation)).Body.GetProperty("Events").EnumerateArray());
        }
        var get = dashboard.First(e => e.GetProperty("eventName").GetString() == "GetObject" && IsBobsRefusal(e));
        Assert.Equal("secret.txt", get.GetProperty("requestParameters").GetProperty("key").GetString());
        Assert.Contains(get.GetProperty("resources").EnumerateArray(), r => r.GetProperty("ARN").GetString() == $"arn:aws:s3:::{bucket}/secret.txt");
    }

    [Fact]
    public async Task Volumes_of_another_account_are_invisible()
    {
        using var alice = Ec2(Alice, AliceSecret);
        using var bob = Ec2(Bob, BobSecret);
        var volume = (await alice.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, Encrypted = true })).Volume.VolumeId;
        var instance = (await bob.RunInstancesAsync(new RunInstancesRequest { ImageId = "ami-12345678", MinCount = 1, MaxCount = 1 })).Reservation.Instances[0].InstanceId;

        Assert.DoesNotContain((await bob.DescribeVolumesAsync(new DescribeVolumesRequest())).Volumes ?? [], v => v.VolumeId == volume);
        var describe = await Assert.ThrowsAsync<AmazonEC2Exception>(() => bob.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volume] }));
        Assert.Equal("InvalidVolume.NotFound", describe.ErrorCode);
        var attach = await Assert.ThrowsAsync<AmazonEC2Exception>(() => bob.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = volume, InstanceId = instance, Device = "/dev/sdf" }));
        Assert.Equal("InvalidVolume.NotFound", attach.ErrorCode);
        var snapshot = await Assert.ThrowsAsync<AmazonEC2Exception>(() => bob.CreateSnapshotAsync(new CreateSnapshotRequest { VolumeId = volume }));
        Assert.Equal("InvalidVolume.NotFound", snapshot.ErrorCode);
        Assert.Equal(volume, (await alice.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volume] })).Volumes[0].VolumeId);

        // The attempts are audited in Bob's trail (his calls) and in Alice's (her volume): one event delivered to both
        // accounts (sharedEventID), naming the volume in its requestParameters (AWS's EC2 events have no resources).
        foreach (var operation in new[] { "DescribeVolumes", "AttachVolume", "CreateSnapshot" })
        {
            var shared = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (key, secret, account) in new[] { (Bob, BobSecret, "444455556666"), (Alice, AliceSecret, "111122223333") })
            {
                var e = await FindEventAsync(key, secret, operation, e => e.GetProperty("userIdentity").GetProperty("accessKeyId").GetString() == Bob);
                Assert.Equal("ec2.amazonaws.com", e.GetProperty("eventSource").GetString());
                Assert.Equal("Client.InvalidVolume.NotFound", e.GetProperty("errorCode").GetString());
                Assert.Equal(account, e.GetProperty("recipientAccountId").GetString());
                Assert.False(e.TryGetProperty("resources", out _));
                Assert.Contains(volume, e.GetProperty("requestParameters").GetRawText(), StringComparison.Ordinal);
                shared.Add(e.GetProperty("sharedEventID").GetString()!);
            }
            Assert.Single(shared);
        }
        // Alice's snapshot is as invisible, through EC2 and through the EBS direct APIs, and each attempt is audited.
        var snap = (await alice.CreateSnapshotAsync(new CreateSnapshotRequest { VolumeId = volume })).Snapshot.SnapshotId;
        Assert.Equal("InvalidSnapshot.NotFound", (await Assert.ThrowsAsync<AmazonEC2Exception>(
            () => bob.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [snap] }))).ErrorCode);
        var (status, body) = await SignedJson.GetAsync(Server.Endpoint, "ebs", $"/snapshots/{snap}/blocks", Bob, BobSecret);
        Assert.Equal(404, status);
        Assert.Contains(snap, body.GetProperty("Message").GetString(), StringComparison.Ordinal);
        foreach (var (key, secret) in new[] { (Bob, BobSecret), (Alice, AliceSecret) })
        {
            var e = await FindEventAsync(key, secret, "DescribeSnapshots", e => e.GetProperty("userIdentity").GetProperty("accessKeyId").GetString() == Bob);
            Assert.Equal("ec2.amazonaws.com", e.GetProperty("eventSource").GetString());
            Assert.Equal("Client.InvalidSnapshot.NotFound", e.GetProperty("errorCode").GetString());
            Assert.Equal(new JsonObject { ["items"] = new JsonArray(new JsonObject { ["snapshotId"] = snap }) }.ToJsonString(),
                e.GetProperty("requestParameters").GetProperty("snapshotSet").GetRawText());
        }
        // ListSnapshotBlocks is an EBS direct API data event: both copies are recorded, none is in LookupEvents.
        var blocks = (await DashboardAuditAsync("identity", Bob)).Where(e => e.GetProperty("eventName").GetString() == "ListSnapshotBlocks").ToList();
        Assert.Equal(2, blocks.Count);
        Assert.All(blocks, e =>
        {
            Assert.Equal("ebs.amazonaws.com", e.GetProperty("eventSource").GetString());
            Assert.Equal("ResourceNotFoundException", e.GetProperty("errorCode").GetString());
            Assert.Equal("Data", e.GetProperty("eventCategory").GetString());
            Assert.Equal($"arn:aws:ec2:us-east-1::snapshot/{snap}", e.GetProperty("resources")[0].GetProperty("ARN").GetString());
        });
        Assert.Empty((await LookupAsync(Alice, AliceSecret, "ListSnapshotBlocks")).Body.GetProperty("Events").EnumerateArray());
        // LookupEvents names the snapshot's resource type and filters by it, as CloudTrail's event history does.
        var (typeStatus, byType) = await SignedJson.PostAsync(Server.Endpoint, "cloudtrail", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
            JsonSerializer.Serialize(new { LookupAttributes = new[] { new { AttributeKey = "ResourceType", AttributeValue = "AWS::EC2::Snapshot" } } }),
            accessKey: Alice, secretKey: AliceSecret);
        Assert.Equal(200, typeStatus);
        var snapshotEvents = byType.GetProperty("Events").EnumerateArray().ToList();
        Assert.NotEmpty(snapshotEvents);
        Assert.All(snapshotEvents, e => Assert.Contains(e.GetProperty("Resources").EnumerateArray(), r => r.GetProperty("ResourceType").GetString() == "AWS::EC2::Snapshot"));

        // The dashboard's audit view, filtered by the volume, lists them beside the volume's own KMS events.
        var byVolume = await DashboardAuditAsync("volume", volume);
        Assert.Contains(byVolume, e => e.GetProperty("eventSource").GetString() == "ec2.amazonaws.com" && e.GetProperty("eventName").GetString() == "AttachVolume");
        Assert.Contains(byVolume, e => e.GetProperty("eventName").GetString() == "GenerateDataKeyWithoutPlaintext");
    }

    private async Task<List<JsonElement>> DashboardAuditAsync(string filter, string value)
    {
        using var http = new HttpClient();
        var body = await http.GetStringAsync($"{Server.Endpoint}/_ssesim/api/audit?{filter}={Uri.EscapeDataString(value)}");
        return JsonDocument.Parse(body).RootElement.GetProperty("events").EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private AmazonEC2Client Ec2(string accessKey, string secret) =>
        new(new BasicAWSCredentials(accessKey, secret), new AmazonEC2Config { ServiceURL = Server.Endpoint, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    private async Task<(int Status, JsonElement Body)> LookupAsync(string accessKey, string secret, string eventName) =>
        await SignedJson.PostAsync(Server.Endpoint, "cloudtrail", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
            JsonSerializer.Serialize(new { LookupAttributes = new[] { new { AttributeKey = "EventName", AttributeValue = eventName } }, MaxResults = 50 }),
            accessKey: accessKey, secretKey: secret);

    /// <summary>Audit events are written just after the call returns; poll briefly for the one wanted.</summary>
    private async Task<JsonElement> FindEventAsync(string accessKey, string secret, string eventName, Func<JsonElement, bool> match)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var (status, body) = await LookupAsync(accessKey, secret, eventName);
            Assert.Equal(200, status);
            foreach (var e in body.GetProperty("Events").EnumerateArray())
            {
                var detail = JsonDocument.Parse(e.GetProperty("CloudTrailEvent").GetString()!).RootElement;
                if (match(detail))
                {
                    return detail.Clone();
                }
            }
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"no matching {eventName} event visible to {accessKey}");
    }
}
