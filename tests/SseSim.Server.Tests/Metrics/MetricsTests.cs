using System.Net;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using SseSim.Server.Tests.Faults;
using SseSim.Server.Tests.S3;
using Xunit.Abstractions;

namespace SseSim.Server.Tests.Metrics;

public sealed class MetricsTests(ServerFixture server, ITestOutputHelper output) : IClassFixture<ServerFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await server.FaultsAsync(HttpMethod.Delete);

    [Fact]
    public async Task Injected_errors_counted_by_the_client_the_audit_and_metrics_agree()
    {
        var key = await server.NewKmsKeyAsync();
        await server.SetFaultsAsync("""{"kms": {"errors": [{"operation": "Encrypt", "rate": 0.4, "errorCode": "ThrottlingException"}]}}""");
        var auditBefore = (await server.AuditAsync("Encrypt")).Count;
        var scrape = await server.ScrapeAsync();
        var successBefore = AdminApi.Sample(scrape, "ssesim_kms_calls_total", ("operation", "Encrypt"), ("result", "Success"), ("caller_service", "direct"));
        var throttledBefore = AdminApi.Sample(scrape, "ssesim_kms_calls_total", ("operation", "Encrypt"), ("result", "ThrottlingException"));
        var injectedBefore = AdminApi.Sample(scrape, "ssesim_kms_throttles_total", ("operation", "Encrypt"), ("cause", "injected"));
        var bytesBefore = AdminApi.Sample(scrape, "ssesim_kms_encrypted_bytes_total", ("operation", "Encrypt"));

        using var kms = server.Kms();
        int ok = 0, throttled = 0;
        for (var i = 0; i < 60; i++)
        {
            try
            {
                await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream(new byte[100]) });
                ok++;
            }
            catch (AmazonKeyManagementServiceException e) when (e.ErrorCode == "ThrottlingException" && e.StatusCode == HttpStatusCode.BadRequest)
            {
                throttled++;
            }
        }
        Assert.InRange(throttled, 1, 59);

        var audit = (await server.AuditAsync("Encrypt")).Skip(auditBefore).ToList();
        Assert.Equal(throttled, audit.Count(e => e.ErrorCode == "ThrottlingException"));
        Assert.Equal(ok, audit.Count(e => e.ErrorCode is null));

        scrape = await server.ScrapeAsync();
        output.WriteLine(scrape);
        Assert.Equal(ok, AdminApi.Sample(scrape, "ssesim_kms_calls_total", ("operation", "Encrypt"), ("result", "Success"), ("caller_service", "direct")) - successBefore);
        Assert.Equal(throttled, AdminApi.Sample(scrape, "ssesim_kms_calls_total", ("operation", "Encrypt"), ("result", "ThrottlingException")) - throttledBefore);
        Assert.Equal(throttled, AdminApi.Sample(scrape, "ssesim_kms_throttles_total", ("operation", "Encrypt"), ("cause", "injected")) - injectedBefore);
        Assert.Equal(ok * 100, AdminApi.Sample(scrape, "ssesim_kms_encrypted_bytes_total", ("operation", "Encrypt")) - bytesBefore);
        Assert.True(AdminApi.Sample(scrape, "ssesim_request_duration_seconds_count", ("api", "kms"), ("operation", "Encrypt"), ("status", "4xx")) >= throttled);
    }

    [Fact]
    public async Task A_faulted_run_of_1000_bucket_key_puts_stays_under_10_KMS_calls()
    {
        var bucket = await server.NewBucketAsync("bk");
        var key = await server.NewKmsKeyAsync();
        await server.SetFaultsAsync("""{"kms": {"errors": [{"rate": 0.2, "errorCode": "ThrottlingException"}]}}""");
        var before = await KmsCallCount();
        var scrape = await server.ScrapeAsync();
        var hitsBefore = AdminApi.Sample(scrape, "ssesim_s3_bucket_key_hits_total", ("use", "encrypt"));
        var missesBefore = AdminApi.Sample(scrape, "ssesim_s3_bucket_key_misses_total", ("use", "encrypt"));
        var bytesBefore = AdminApi.Sample(scrape, "ssesim_s3_encrypted_bytes_total");

        var attempts = new CountingHttpClientFactory();
        using var s3 = new Amazon.S3.AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials("test", "test"), new Amazon.S3.AmazonS3Config
        {
            ServiceURL = server.Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 10,
            HttpClientFactory = attempts,
        });
        long bodyBytes = 0;
        await Parallel.ForAsync(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var put = FaultsApiTests.KmsPut(bucket, $"obj-{i}", key, bucketKey: true);
            Interlocked.Add(ref bodyBytes, put.ContentBody.Length);
            var response = await s3.PutObjectAsync(put, ct);
            Assert.True(response.BucketKeyEnabled);
        });

        var kmsCalls = await KmsCallCount() - before;
        Assert.InRange(kmsCalls, 1, 10);
        scrape = await server.ScrapeAsync();
        // Every bucket-key lookup is a hit or a miss, and every miss is one KMS call (some of them throttled).
        var misses = AdminApi.Sample(scrape, "ssesim_s3_bucket_key_misses_total", ("use", "encrypt")) - missesBefore;
        var hits = AdminApi.Sample(scrape, "ssesim_s3_bucket_key_hits_total", ("use", "encrypt")) - hitsBefore;
        Assert.Equal(kmsCalls, misses);
        Assert.True(hits + misses >= 1000, $"{hits} hits, {misses} misses");
        Assert.Equal(bodyBytes, AdminApi.Sample(scrape, "ssesim_s3_encrypted_bytes_total") - bytesBefore);
        Assert.True(AdminApi.Sample(scrape, "ssesim_s3_bucket_keys_resident") >= 1);
        // Throttled bucket-key misses came back as SlowDown and the SDK retried them.
        var throttled = (await server.AuditAsync("GenerateDataKey")).Count(e => e.ErrorCode == "ThrottlingException");
        Assert.True(attempts.Requests >= 1000 && attempts.Requests <= 1000 + throttled, $"{attempts.Requests} requests, {throttled} throttled");
    }

    [Fact]
    public async Task Metrics_are_unsigned_GETs_and_a_signed_request_to_metrics_is_still_S3()
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(server.Endpoint + "/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString());
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(AdminApi.Sample(text, "process_cpu_seconds_total") > 0);
        Assert.True(AdminApi.Sample(text, "process_resident_memory_bytes") > 0);

        using var s3 = server.S3();
        var e = await Assert.ThrowsAnyAsync<Amazon.S3.AmazonS3Exception>(() => s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = "metrics" }));
        Assert.Equal("NoSuchBucket", e.ErrorCode);
        await s3.PutBucketAsync("metrics");
        await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = "metrics", Key = "k", ContentBody = "x" });
        Assert.Equal("k", Assert.Single((await s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = "metrics" })).S3Objects).Key);
    }

    private async Task<int> KmsCallCount()
    {
        var total = 0;
        foreach (var name in new[] { "GenerateDataKey", "Decrypt", "DescribeKey", "Encrypt", "ReEncrypt" })
        {
            total += (await server.AuditAsync(name)).Count;
        }
        return total;
    }
}
