using System.Text.Json;

namespace SseSim.Server.Tests.S3;

/// <summary>The <c>aws</c> CLI: <c>aws s3 cp</c> above the 8 MiB multipart threshold with SSE-KMS, s3api calls, ls.</summary>
[Collection("S3")]
public sealed class AwsCliS3Tests(ServerFixture server)
{
    [Fact]
    public async Task Cp_multipart_with_sse_kms_and_back_plus_s3api_and_ls()
    {
        if (!AwsCli.Available)
        {
            return;
        }
        var dir = Directory.CreateTempSubdirectory("sseSim-cli-").FullName;
        try
        {
            var bucket = await server.NewBucketAsync("cli");
            var keyId = await server.NewKmsKeyAsync();
            var data = S3Clients.RandomBytes(9 * 1024 * 1024);
            await File.WriteAllBytesAsync(Path.Combine(dir, "in.bin"), data);

            await Run(dir, "s3", "cp", "in.bin", $"s3://{bucket}/big file.bin", "--sse", "aws:kms", "--sse-kms-key-id", keyId, "--only-show-errors");
            await Run(dir, "s3", "cp", $"s3://{bucket}/big file.bin", "out.bin", "--only-show-errors");
            Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(dir, "out.bin")));

            var head = JsonDocument.Parse(await Run(dir, "s3api", "head-object", "--bucket", bucket, "--key", "big file.bin")).RootElement;
            Assert.Equal("aws:kms", head.GetProperty("ServerSideEncryption").GetString());
            Assert.EndsWith(keyId, head.GetProperty("SSEKMSKeyId").GetString(), StringComparison.Ordinal);
            Assert.EndsWith("-2\"", head.GetProperty("ETag").GetString(), StringComparison.Ordinal);

            await File.WriteAllTextAsync(Path.Combine(dir, "small.txt"), "small body");
            var put = JsonDocument.Parse(await Run(dir, "s3api", "put-object", "--bucket", bucket, "--key", "small.txt", "--body", "small.txt",
                "--server-side-encryption", "aws:kms", "--ssekms-key-id", keyId)).RootElement;
            Assert.Equal("aws:kms", put.GetProperty("ServerSideEncryption").GetString());
            await Run(dir, "s3api", "get-object", "--bucket", bucket, "--key", "small.txt", "small.out");
            Assert.Equal("small body", await File.ReadAllTextAsync(Path.Combine(dir, "small.out")));

            var ls = await Run(dir, "s3", "ls", $"s3://{bucket}/");
            Assert.Contains("big file.bin", ls, StringComparison.Ordinal);
            Assert.Contains("small.txt", ls, StringComparison.Ordinal);
            Assert.Contains(bucket, await Run(dir, "s3", "ls"), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private async Task<string> Run(string dir, params string[] args)
    {
        var (code, stdout, stderr) = await AwsCli.RunAsync(server.Endpoint, dir, args);
        Assert.True(code == 0, $"aws {string.Join(' ', args)} failed: {stderr}");
        return stdout;
    }
}
