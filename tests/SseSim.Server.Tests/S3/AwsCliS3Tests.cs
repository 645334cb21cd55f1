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

    /// <summary>
    /// A script a user would write: mb, cp with SSE-KMS and SSE-S3, sync of a tree, ls --recursive, mv, presign fetched
    /// with curl, s3api head-object / get-bucket-encryption / paginated list-objects-v2, rm --recursive, rb --force.
    /// </summary>
    [Fact]
    public async Task Everyday_aws_s3_script_round_trips()
    {
        if (!AwsCli.Available)
        {
            return;
        }
        var dir = Directory.CreateTempSubdirectory("sseSim-cli-script-").FullName;
        try
        {
            var bucket = "script-" + Guid.NewGuid().ToString("N")[..12];
            var keyId = await server.NewKmsKeyAsync();
            Directory.CreateDirectory(Path.Combine(dir, "tree", "sub", "deep"));
            await File.WriteAllTextAsync(Path.Combine(dir, "tree", "a.txt"), "alpha");
            await File.WriteAllTextAsync(Path.Combine(dir, "tree", "sub", "b.txt"), "bravo");
            await File.WriteAllBytesAsync(Path.Combine(dir, "tree", "sub", "deep", "c.bin"), S3Clients.RandomBytes(70_000));
            await File.WriteAllTextAsync(Path.Combine(dir, "note.txt"), "secret note");
            // Files older than their upload, as a user's are: listings show LastModified in whole seconds (as S3 does),
            // so a file written in the same second as its upload looks newer than it to the next sync.
            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            {
                File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddHours(-1));
            }

            Assert.Contains($"make_bucket: {bucket}", await Run(dir, "s3", "mb", $"s3://{bucket}"), StringComparison.Ordinal);
            await Run(dir, "s3", "cp", "note.txt", $"s3://{bucket}/kms.txt", "--sse", "aws:kms", "--sse-kms-key-id", keyId);
            await Run(dir, "s3", "cp", "note.txt", $"s3://{bucket}/aes.txt", "--sse", "AES256");
            await Run(dir, "s3", "sync", "tree", $"s3://{bucket}/tree/");
            // A second sync finds nothing to upload (sizes and times match what ListObjectsV2 reports).
            Assert.Equal("", (await Run(dir, "s3", "sync", "tree", $"s3://{bucket}/tree/")).Trim());

            var listing = await Run(dir, "s3", "ls", $"s3://{bucket}", "--recursive");
            foreach (var key in new[] { "kms.txt", "aes.txt", "tree/a.txt", "tree/sub/b.txt", "tree/sub/deep/c.bin" })
            {
                Assert.Contains(key, listing, StringComparison.Ordinal);
            }

            var kms = JsonDocument.Parse(await Run(dir, "s3api", "head-object", "--bucket", bucket, "--key", "kms.txt")).RootElement;
            Assert.Equal("aws:kms", kms.GetProperty("ServerSideEncryption").GetString());
            Assert.EndsWith(keyId, kms.GetProperty("SSEKMSKeyId").GetString(), StringComparison.Ordinal);
            var aes = JsonDocument.Parse(await Run(dir, "s3api", "head-object", "--bucket", bucket, "--key", "aes.txt")).RootElement;
            Assert.Equal("AES256", aes.GetProperty("ServerSideEncryption").GetString());

            await Run(dir, "s3", "mv", $"s3://{bucket}/aes.txt", $"s3://{bucket}/moved.txt");
            var (headCode, _, _) = await AwsCli.RunAsync(server.Endpoint, dir, "s3api", "head-object", "--bucket", bucket, "--key", "aes.txt");
            Assert.NotEqual(0, headCode);
            await Run(dir, "s3", "cp", $"s3://{bucket}/moved.txt", "moved.out");
            Assert.Equal("secret note", await File.ReadAllTextAsync(Path.Combine(dir, "moved.out")));

            // The CLI v1 presigns with SigV2: fine for an SSE-S3 object, refused for an SSE-KMS one, as on AWS.
            var url = (await Run(dir, "s3", "presign", $"s3://{bucket}/moved.txt", "--expires-in", "300")).Trim();
            Assert.Equal("secret note", await FetchAsync(url));
            var kmsUrl = (await Run(dir, "s3", "presign", $"s3://{bucket}/kms.txt", "--expires-in", "300")).Trim();
            Assert.Contains("AWSAccessKeyId=", kmsUrl, StringComparison.Ordinal);
            using (var http = new HttpClient())
            {
                var refused = await http.GetAsync(new Uri(kmsUrl));
                Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
                Assert.Contains("require AWS Signature Version 4.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            var encryption = JsonDocument.Parse(await Run(dir, "s3api", "get-bucket-encryption", "--bucket", bucket)).RootElement;
            Assert.Equal("AES256", encryption.GetProperty("ServerSideEncryptionConfiguration").GetProperty("Rules")[0]
                .GetProperty("ApplyServerSideEncryptionByDefault").GetProperty("SSEAlgorithm").GetString());

            var first = JsonDocument.Parse(await Run(dir, "s3api", "list-objects-v2", "--bucket", bucket, "--max-items", "2")).RootElement;
            var keys = first.GetProperty("Contents").EnumerateArray().Select(c => c.GetProperty("Key").GetString()).ToList();
            Assert.Equal(2, keys.Count);
            var rest = JsonDocument.Parse(await Run(dir, "s3api", "list-objects-v2", "--bucket", bucket, "--starting-token", first.GetProperty("NextToken").GetString()!)).RootElement;
            keys.AddRange(rest.GetProperty("Contents").EnumerateArray().Select(c => c.GetProperty("Key").GetString()));
            Assert.False(rest.TryGetProperty("NextToken", out _));
            Assert.Equal(["kms.txt", "moved.txt", "tree/a.txt", "tree/sub/b.txt", "tree/sub/deep/c.bin"], keys);

            await Run(dir, "s3", "rm", $"s3://{bucket}/tree", "--recursive");
            Assert.DoesNotContain("tree/", await Run(dir, "s3", "ls", $"s3://{bucket}", "--recursive"), StringComparison.Ordinal);
            Assert.Contains($"remove_bucket: {bucket}", await Run(dir, "s3", "rb", $"s3://{bucket}", "--force"), StringComparison.Ordinal);
            var (gone, _, goneErr) = await AwsCli.RunAsync(server.Endpoint, dir, "s3api", "head-bucket", "--bucket", bucket);
            Assert.NotEqual(0, gone);
            Assert.Contains("404", goneErr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// DSSE-KMS from the CLI v1: <c>aws s3 cp --sse</c> offers only AES256 and aws:kms there, so s3api names it, and
    /// <c>aws s3 cp</c> gets it from the bucket default (a multipart upload above 8 MiB).
    /// </summary>
    [Fact]
    public async Task S3api_put_object_and_cp_into_a_dsse_kms_default_bucket()
    {
        if (!AwsCli.Available)
        {
            return;
        }
        var dir = Directory.CreateTempSubdirectory("sseSim-cli-").FullName;
        try
        {
            var bucket = await server.NewBucketAsync("cli-dsse");
            var keyId = await server.NewKmsKeyAsync();
            await File.WriteAllTextAsync(Path.Combine(dir, "small.txt"), "dual layer");
            var put = JsonDocument.Parse(await Run(dir, "s3api", "put-object", "--bucket", bucket, "--key", "small.txt", "--body", "small.txt",
                "--server-side-encryption", "aws:kms:dsse", "--ssekms-key-id", keyId)).RootElement;
            Assert.Equal("aws:kms:dsse", put.GetProperty("ServerSideEncryption").GetString());
            Assert.EndsWith($":key/{keyId}", put.GetProperty("SSEKMSKeyId").GetString(), StringComparison.Ordinal);
            var head = JsonDocument.Parse(await Run(dir, "s3api", "head-object", "--bucket", bucket, "--key", "small.txt")).RootElement;
            Assert.Equal("aws:kms:dsse", head.GetProperty("ServerSideEncryption").GetString());
            await Run(dir, "s3api", "get-object", "--bucket", bucket, "--key", "small.txt", "--range", "bytes=5-9", "part.out");
            Assert.Equal("layer", await File.ReadAllTextAsync(Path.Combine(dir, "part.out")));

            await Run(dir, "s3api", "put-bucket-encryption", "--bucket", bucket, "--server-side-encryption-configuration",
                $"{{\"Rules\":[{{\"ApplyServerSideEncryptionByDefault\":{{\"SSEAlgorithm\":\"aws:kms:dsse\",\"KMSMasterKeyID\":\"{keyId}\"}}}}]}}");
            var data = S3Clients.RandomBytes(9 * 1024 * 1024);
            await File.WriteAllBytesAsync(Path.Combine(dir, "in.bin"), data);
            await Run(dir, "s3", "cp", "in.bin", $"s3://{bucket}/big.bin", "--only-show-errors");
            await Run(dir, "s3", "cp", $"s3://{bucket}/big.bin", "out.bin", "--only-show-errors");
            Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(dir, "out.bin")));
            var big = JsonDocument.Parse(await Run(dir, "s3api", "head-object", "--bucket", bucket, "--key", "big.bin")).RootElement;
            Assert.Equal("aws:kms:dsse", big.GetProperty("ServerSideEncryption").GetString());
            Assert.EndsWith($":key/{keyId}", big.GetProperty("SSEKMSKeyId").GetString(), StringComparison.Ordinal);
            Assert.EndsWith("-2\"", big.GetProperty("ETag").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The presigned URL fetched with curl (a client that knows nothing of AWS), or HttpClient where curl is missing.</summary>
    private static async Task<string> FetchAsync(string url)
    {
        if (File.Exists("/usr/bin/curl"))
        {
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/curl", ["-sS", "--fail-with-body", url]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = await p.StandardOutput.ReadToEndAsync();
            var error = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, $"curl failed: {error} {output}");
            return output;
        }
        using var http = new HttpClient();
        return await http.GetStringAsync(new Uri(url));
    }

    private async Task<string> Run(string dir, params string[] args)
    {
        var (code, stdout, stderr) = await AwsCli.RunAsync(server.Endpoint, dir, args);
        Assert.True(code == 0, $"aws {string.Join(' ', args)} failed: {stderr}");
        return stdout;
    }
}
