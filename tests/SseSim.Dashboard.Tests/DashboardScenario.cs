using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using SseSim.Server.Tests;

namespace SseSim.Dashboard.Tests;

/// <summary>The traffic both browser tests look at: one SSE-KMS object put and read back through the AWS SDK.</summary>
internal static class DashboardScenario
{
    public const string Key = "reports/q3.txt";

    public static async Task<(string Bucket, string Key, string KeyArn)> PutAndGetObjectAsync(ServerFixture server)
    {
        var credentials = new BasicAWSCredentials("test", "test");
        using var kms = server.Kms();
        var keyArn = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "dashboard browser test" })).KeyMetadata.Arn;
        using var s3 = new AmazonS3Client(credentials, new AmazonS3Config { ServiceURL = server.Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        var bucket = "browser-" + Guid.NewGuid().ToString("N")[..10];
        await s3.PutBucketAsync(bucket);
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = Key,
            ContentBody = "numbers",
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = keyArn,
        });
        (await s3.GetObjectAsync(bucket, Key)).Dispose();
        return (bucket, Key, keyArn);
    }
}
