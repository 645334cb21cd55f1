using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using SseSim.Cli.Commands;
using SseSim.Server.Tests;

namespace SseSim.Cli.Tests;

/// <summary>`ssesim explain` against the real in-process server, after real SDK traffic.</summary>
public sealed class ExplainCommandTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly BasicAWSCredentials Credentials = new("test", "test");

    private async Task<(int Code, string Output)> ExplainAsync(params string[] args)
    {
        var output = new StringWriter();
        var code = await new ExplainCommand().RunAsync([.. args, "--endpoint-url", server.Endpoint], output, CancellationToken.None);
        return (code, output.ToString());
    }

    [Fact]
    public async Task Explaining_an_object_prints_its_last_get_with_the_kms_decrypt_event_and_context()
    {
        using var s3 = new AmazonS3Client(Credentials, new AmazonS3Config { ServiceURL = server.Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        var bucket = "explain-" + Guid.NewGuid().ToString("N")[..10];
        await s3.PutBucketAsync(bucket);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a b/c.txt", ContentBody = "x", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS });
        (await s3.GetObjectAsync(bucket, "a b/c.txt")).Dispose();

        var (code, text) = await ExplainAsync($"s3://{bucket}/a b/c.txt");
        Assert.Equal(0, code);
        Assert.Contains($"s3://{bucket}/a b/c.txt: GetObject by arn:aws:iam::000000000000:root", text, StringComparison.Ordinal);
        Assert.Contains($"encryptionContext: {{\"aws:s3:arn\":\"arn:aws:s3:::{bucket}/a b/c.txt\"}}", text, StringComparison.Ordinal);
        foreach (var step in new[] { "s3:GetObject", "kms:Decrypt", "key:in-memory", "envelope:decrypt", "key:zeroed" })
        {
            Assert.Contains(step, text, StringComparison.Ordinal);
        }

        // The event id printed is the one the JSON flow cites, and CloudTrail knows it as a Decrypt.
        var (_, json) = await ExplainAsync($"s3://{bucket}/a b/c.txt", "--json");
        var eventId = JsonDocument.Parse(json).RootElement.GetProperty("steps").EnumerateArray()
            .Single(s => s.GetProperty("name").GetString() == "kms:Decrypt").GetProperty("kmsEventId").GetString()!;
        Assert.Contains($"[KMS event {eventId}]", text, StringComparison.Ordinal);
        Assert.Matches(@"\+\s*\d+\.\d{3} ms  kms:Decrypt\s+took \d+\.\d{3} ms", text);
    }

    [Fact]
    public async Task Explaining_a_volume_prints_create_attach_and_detach()
    {
        using var ec2 = new AmazonEC2Client(Credentials, new AmazonEC2Config { ServiceURL = server.Endpoint, AuthenticationRegion = "us-east-1" });
        var instance = (await ec2.RunInstancesAsync(new RunInstancesRequest { ImageId = "ami-12345678", MinCount = 1, MaxCount = 1 })).Reservation.Instances[0].InstanceId;
        var volume = (await ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, Encrypted = true })).Volume.VolumeId;
        await ec2.AttachVolumeAsync(new AttachVolumeRequest { VolumeId = volume, InstanceId = instance, Device = "/dev/sdf" });
        await ec2.DetachVolumeAsync(new DetachVolumeRequest { VolumeId = volume });

        var (code, text) = await ExplainAsync(volume);
        Assert.Equal(0, code);
        var create = text.IndexOf($"{volume}: CreateVolume", StringComparison.Ordinal);
        var attach = text.IndexOf($"{volume}: AttachVolume", StringComparison.Ordinal);
        var detach = text.IndexOf($"{volume}: DetachVolume", StringComparison.Ordinal);
        Assert.True(create >= 0 && create < attach && attach < detach, text);
        Assert.True(text.IndexOf("kms:GenerateDataKeyWithoutPlaintext", StringComparison.Ordinal) is var g && g > create && g < attach, text);
        Assert.True(text.IndexOf("kms:CreateGrant", StringComparison.Ordinal) is var c && c > attach && c < detach, text);
        Assert.True(text.IndexOf("key:zeroed", StringComparison.Ordinal) > detach, text);
        Assert.Contains($"encryptionContext: {{\"aws:ebs:id\":\"{volume}\"}}", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_targets_and_bad_arguments_fail_clearly()
    {
        Assert.Equal(1, (await ExplainAsync("s3://no-such-bucket/nothing")).Code);
        Assert.Equal(2, (await ExplainAsync("arn:aws:s3:::x")).Code);
        Assert.Equal(2, (await ExplainAsync("s3://bucket-only")).Code);
        Assert.Equal("_ssesim/api/objects/b/a%20b/c%2Bd/flow", ExplainCommand.ApiPath("s3://b/a b/c+d"));
        Assert.Equal("_ssesim/api/volumes/vol-1/flow", ExplainCommand.ApiPath("vol-1"));
    }
}
