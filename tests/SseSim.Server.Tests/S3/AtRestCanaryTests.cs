using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

/// <summary>After PUTs with every SSE mode, no plaintext canary (nor an SSE-C key) appears anywhere under the data dir.</summary>
[Collection("S3")]
public sealed class AtRestCanaryTests(ServerFixture server)
{
    [Fact]
    public async Task No_plaintext_on_disk_for_any_SSE_mode()
    {
        var bucket = await server.NewBucketAsync();
        var keyId = await server.NewKmsKeyAsync();
        using var s3 = server.S3();
        var canary = "CANARY-" + Guid.NewGuid().ToString("N");
        var body = string.Concat(Enumerable.Repeat(canary + "|", 4000));
        var customerKey = RandomNumberGenerator.GetBytes(32);
        var requests = new List<PutObjectRequest>
        {
            new() { ContentBody = body },
            new() { ContentBody = body, ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256 },
            new() { ContentBody = body, ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS, ServerSideEncryptionKeyManagementServiceKeyId = keyId },
            new() { ContentBody = body, ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS, ServerSideEncryptionKeyManagementServiceKeyId = keyId, BucketKeyEnabled = true },
            new() { ContentBody = body, ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256, ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(customerKey) },
        };
        for (var i = 0; i < requests.Count; i++)
        {
            requests[i].BucketName = bucket;
            requests[i].Key = $"canary-{i}";
            await s3.PutObjectAsync(requests[i]);
        }

        var needles = new[] { Encoding.UTF8.GetBytes(canary), customerKey };
        foreach (var file in Directory.EnumerateFiles(server.DataDir, "*", SearchOption.AllDirectories))
        {
            byte[] content;
            try
            {
                content = await File.ReadAllBytesAsync(file);
            }
            catch (IOException)
            {
                continue; // a file held exclusively by the store
            }
            foreach (var needle in needles)
            {
                Assert.True(content.AsSpan().IndexOf(needle) < 0, $"plaintext found in {file}");
            }
        }
    }
}
