using Amazon.KeyManagementService.Model;
using Amazon.S3.Model;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SseSim.Core.Storage.Faults;
using SseSim.Server.Hosting;

namespace SseSim.Server.Tests.Durability;

/// <summary>
/// The server on failing storage (I/O errors, a full disk under every table and log): AWS-shaped 5xx answers, no
/// damage to what was stored before, and normal service once the fault clears, across a restart too.
/// </summary>
public sealed class StorageFaultTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "sseSim-faults-" + Guid.NewGuid().ToString("N"));
    private readonly StorageFaults _faults = new();
    private WebApplication? _app;
    private string _endpoint = "";

    public async Task InitializeAsync() => await StartAsync();

    public async Task DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Theory]
    [InlineData(StorageFault.IOError)]
    [InlineData(StorageFault.DiskFull)]
    public async Task Writes_fail_with_AWS_errors_old_data_stays_intact_and_service_recovers(StorageFault fault)
    {
        var kms = CrashCycleTests.Kms(_endpoint);
        var s3 = CrashCycleTests.S3(_endpoint);
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "before" })).KeyMetadata.KeyId;
        await s3.PutBucketAsync("faults");
        var before = CrashLedger.Content(1, 100_000);
        await PutAsync(s3, "before", before, key);

        _faults.Mode = fault;
        var kmsError = await Assert.ThrowsAsync<KMSInternalException>(() => kms.CreateKeyAsync(new CreateKeyRequest { Description = "during" }));
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, kmsError.StatusCode);
        var s3Error = await Assert.ThrowsAsync<Amazon.S3.AmazonS3Exception>(() => PutAsync(s3, "during", CrashLedger.Content(2, 5000), key));
        Assert.Equal("InternalError", s3Error.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, s3Error.StatusCode);
        Assert.True(_faults.Injected >= 2);
        // Reads are unaffected, and what was stored before is whole.
        Assert.Equal(before, await GetAsync(s3, "before"));
        Assert.True((await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key })).KeyMetadata.Enabled);

        _faults.Mode = StorageFault.None;
        var after = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "after" })).KeyMetadata.KeyId;
        var afterBody = CrashLedger.Content(3, 70_000);
        await PutAsync(s3, "after", afterBody, after);
        kms.Dispose();
        s3.Dispose();

        await StopAsync();
        await StartAsync();
        using var kms2 = CrashCycleTests.Kms(_endpoint);
        using var s32 = CrashCycleTests.S3(_endpoint);
        Assert.Equal(before, await GetAsync(s32, "before"));
        Assert.Equal(afterBody, await GetAsync(s32, "after"));
        var listed = (await s32.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "faults" })).S3Objects.Select(o => o.Key).ToList();
        Assert.Equal(["after", "before"], listed.Order());
        var descriptions = new List<string>();
        foreach (var k in (await kms2.ListKeysAsync(new ListKeysRequest())).Keys)
        {
            descriptions.Add((await kms2.DescribeKeyAsync(new DescribeKeyRequest { KeyId = k.KeyId })).KeyMetadata.Description);
        }
        Assert.Contains("before", descriptions);
        Assert.Contains("after", descriptions);
        Assert.DoesNotContain("during", descriptions);
    }

    private static Task PutAsync(Amazon.S3.AmazonS3Client s3, string name, byte[] body, string key) =>
        s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "faults",
            Key = name,
            InputStream = new MemoryStream(body),
            ServerSideEncryptionMethod = Amazon.S3.ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = key,
        });

    private static async Task<byte[]> GetAsync(Amazon.S3.AmazonS3Client s3, string name)
    {
        using var response = await s3.GetObjectAsync("faults", name);
        using var copy = new MemoryStream();
        await response.ResponseStream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private async Task StartAsync()
    {
        _app = SseSimHost.Build(["--port", "0", "--nbd-port", "0", "--data-dir", _dataDir], b => b.Services.AddSingleton(_faults));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _endpoint = address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
    }

    private async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }
}
