using System.Net;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.S3;
using Amazon.S3.Model;
using SseSim.Server.Tests.S3;

namespace SseSim.Server.Tests.Faults;

public sealed class FaultsApiTests : IClassFixture<ServerFixture>, IAsyncLifetime
{
    private readonly ServerFixture _server;

    public FaultsApiTests(ServerFixture server) => _server = server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.FaultsAsync(HttpMethod.Delete);

    [Fact]
    public async Task The_default_test_identity_is_admin_and_settings_round_trip()
    {
        var (status, doc) = await _server.FaultsAsync(HttpMethod.Put, """
            {"kms": {"latency": [{"operation": "GenerateDataKey", "latencyMs": 20, "jitterMs": 5}],
                     "errors": [{"rate": 0.1, "errorCode": "ThrottlingException"}]},
             "quotas": {"symmetricRps": 5},
             "volumes": {"latencyMs": 2}}
            """);
        Assert.Equal(HttpStatusCode.OK, status);
        var kms = doc.RootElement.GetProperty("kms");
        Assert.Equal("GenerateDataKey", kms.GetProperty("latency")[0].GetProperty("operation").GetString());
        Assert.Equal(20, kms.GetProperty("latency")[0].GetProperty("latencyMs").GetDouble());
        Assert.Equal("ThrottlingException", kms.GetProperty("errors")[0].GetProperty("errorCode").GetString());
        Assert.Equal(5, doc.RootElement.GetProperty("quotas").GetProperty("symmetricRps").GetDouble());
        Assert.Equal(500, doc.RootElement.GetProperty("quotas").GetProperty("rsaRps").GetDouble());
        Assert.Equal(2, doc.RootElement.GetProperty("volumes").GetProperty("latencyMs").GetDouble());

        // A PUT replaces only the sections it names.
        (_, doc) = await _server.FaultsAsync(HttpMethod.Put, """{"kms": {"errors": []}}""");
        Assert.Equal(0, doc.RootElement.GetProperty("kms").GetProperty("errors").GetArrayLength());
        Assert.Equal(1, doc.RootElement.GetProperty("kms").GetProperty("latency").GetArrayLength());

        (_, doc) = await _server.FaultsAsync(HttpMethod.Delete);
        Assert.Equal(0, doc.RootElement.GetProperty("kms").GetProperty("latency").GetArrayLength());
        Assert.Equal(10_000, doc.RootElement.GetProperty("quotas").GetProperty("symmetricRps").GetDouble());
        Assert.False(doc.RootElement.TryGetProperty("volumes", out _));
    }

    [Fact]
    public async Task The_dashboard_shows_the_settings_read_only()
    {
        await _server.SetFaultsAsync("""
            {"kms": {"errors": [{"operation": "Decrypt", "rate": 0.25, "errorCode": "KMSInternalException"}]}, "volumes": {"latencyMs": 3}}
            """);
        using var http = new HttpClient();
        var url = _server.Endpoint + "/_ssesim/api/fault-settings";

        var shown = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(url)).RootElement;
        var error = shown.GetProperty("kms").GetProperty("errors")[0];
        Assert.Equal("Decrypt", error.GetProperty("operation").GetString());
        Assert.Equal(0.25, error.GetProperty("rate").GetDouble());
        Assert.Equal("KMSInternalException", error.GetProperty("errorCode").GetString());
        Assert.Equal(3, shown.GetProperty("volumes").GetProperty("latencyMs").GetDouble());

        // The dashboard cannot change them: only the signed admin endpoint can.
        using var put = await http.PutAsync(url, new StringContent("""{"volumes": {"latencyMs": 50}}"""));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        var (_, after) = await _server.FaultsAsync(HttpMethod.Get);
        Assert.Equal(3, after.RootElement.GetProperty("volumes").GetProperty("latencyMs").GetDouble());
    }

    [Theory]
    [InlineData("""{"kms": {"errors": [{"rate": 0.1, "errorCode": "AccessDeniedException"}]}}""")]
    [InlineData("""{"kms": {"errors": [{"rate": 2, "errorCode": "ThrottlingException"}]}}""")]
    [InlineData("""{"kms": {"latency": [{"operation": "NoSuchOperation", "latencyMs": 5}]}}""")]
    [InlineData("""{"quotas": {"symmetricRps": 0}}""")]
    [InlineData("""{"kms": {"outage": {"errorCode": "KMSInternalException"}}}""")]
    [InlineData("""{"kms": [1, 2]}""")]
    public async Task Invalid_settings_are_a_validation_error_and_change_nothing(string json)
    {
        await _server.SetFaultsAsync("""{"volumes": {"latencyMs": 1}}""");
        var (status, doc) = await _server.FaultsAsync(HttpMethod.Put, json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ValidationException", doc.RootElement.GetProperty("__type").GetString());
        (_, doc) = await _server.FaultsAsync(HttpMethod.Get);
        Assert.Equal(1, doc.RootElement.GetProperty("volumes").GetProperty("latencyMs").GetDouble());
        Assert.Equal(10_000, doc.RootElement.GetProperty("quotas").GetProperty("symmetricRps").GetDouble());
    }

    [Fact]
    public async Task Unsigned_and_wrongly_signed_requests_are_refused()
    {
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(_server.Endpoint + "/_ssesim/api/faults")).StatusCode);
        var (status, doc) = await _server.FaultsAsync(HttpMethod.Get, secretKey: "wrong");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("InvalidSignatureException", doc.RootElement.GetProperty("__type").GetString());
    }

    [Fact]
    public async Task Injected_throttling_reaches_S3_as_503_SlowDown_and_the_SDK_retries_it()
    {
        var bucket = await _server.NewBucketAsync("slow");
        var key = await _server.NewKmsKeyAsync();
        await _server.SetFaultsAsync("""{"kms": {"errors": [{"operation": "GenerateDataKey", "rate": 1, "errorCode": "ThrottlingException"}]}}""");
        var before = (await _server.AuditAsync("GenerateDataKey")).Count;

        var attempts = new CountingHttpClientFactory();
        using var s3 = Client(attempts, maxErrorRetry: 2);
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(KmsPut(bucket, "a", key)));
        Assert.Equal("SlowDown", e.ErrorCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
        Assert.Equal("Please reduce your request rate.", e.Message);
        // One attempt plus two retries, each one GenerateDataKey that KMS throttled and audited.
        Assert.Equal(3, attempts.Requests);
        var throttled = (await _server.AuditAsync("GenerateDataKey")).Skip(before).ToList();
        Assert.Equal(3, throttled.Count);
        Assert.All(throttled, t => Assert.Equal("ThrottlingException", t.ErrorCode));

        // At a 30 % rate the SDK's retries carry every PUT through, as against AWS.
        await _server.SetFaultsAsync("""{"kms": {"errors": [{"operation": "GenerateDataKey", "rate": 0.3, "errorCode": "ThrottlingException"}]}}""");
        var retrying = new CountingHttpClientFactory();
        using var patient = Client(retrying, maxErrorRetry: 12);
        before = (await _server.AuditAsync("GenerateDataKey")).Count;
        for (var i = 0; i < 10; i++)
        {
            await patient.PutObjectAsync(KmsPut(bucket, $"ok-{i}", key));
        }
        var calls = (await _server.AuditAsync("GenerateDataKey")).Skip(before).ToList();
        Assert.Equal(10, calls.Count(c => c.ErrorCode is null));
        Assert.Equal(retrying.Requests, calls.Count);
    }

    [Fact]
    public async Task An_outage_fails_KMS_and_S3_until_it_is_cleared()
    {
        var bucket = await _server.NewBucketAsync("outage");
        var key = await _server.NewKmsKeyAsync();
        await _server.SetFaultsAsync("""{"kms": {"outage": {"durationSeconds": 600}}}""");
        using var kms = _server.Kms();
        var k = await Assert.ThrowsAsync<KMSInternalException>(() => kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key }));
        Assert.Equal(HttpStatusCode.InternalServerError, k.StatusCode);
        using var s3 = _server.S3();
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(KmsPut(bucket, "o", key)));
        Assert.Equal("InternalError", e.ErrorCode);
        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);

        await _server.SetFaultsAsync("""{"kms": {"outage": {"durationSeconds": 600, "errorCode": "DependencyTimeoutException"}}}""");
        await Assert.ThrowsAsync<DependencyTimeoutException>(() => kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key }));

        await _server.FaultsAsync(HttpMethod.Delete);
        await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key });
        await s3.PutObjectAsync(KmsPut(bucket, "o", key));
    }

    [Theory]
    [InlineData("ThrottlingException", "RequestLimitExceeded", HttpStatusCode.ServiceUnavailable)]
    [InlineData("KMSInternalException", "InternalError", HttpStatusCode.InternalServerError)]
    [InlineData("DependencyTimeoutException", "Unavailable", HttpStatusCode.ServiceUnavailable)]
    public async Task Injected_KMS_faults_reach_EC2_as_its_own_errors_and_create_nothing(string kmsError, string ec2Error, HttpStatusCode status)
    {
        var key = await _server.NewKmsKeyAsync();
        using var ec2 = new Amazon.EC2.AmazonEC2Client(new Amazon.Runtime.BasicAWSCredentials("test", "test"),
            new Amazon.EC2.AmazonEC2Config { ServiceURL = _server.Endpoint, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        var create = new Amazon.EC2.Model.CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, Encrypted = true, KmsKeyId = key };
        var before = (await ec2.DescribeVolumesAsync(new Amazon.EC2.Model.DescribeVolumesRequest())).Volumes?.Count ?? 0;
        await _server.SetFaultsAsync($$$"""{"kms": {"errors": [{"operation": "GenerateDataKeyWithoutPlaintext", "rate": 1, "errorCode": "{{{kmsError}}}"}]}}""");

        var e = await Assert.ThrowsAsync<Amazon.EC2.AmazonEC2Exception>(() => ec2.CreateVolumeAsync(create));
        Assert.Equal(ec2Error, e.ErrorCode);
        Assert.Equal(status, e.StatusCode);
        Assert.Contains(kmsError, e.Message, StringComparison.Ordinal);
        Assert.Equal(before, (await ec2.DescribeVolumesAsync(new Amazon.EC2.Model.DescribeVolumesRequest())).Volumes?.Count ?? 0);

        await _server.FaultsAsync(HttpMethod.Delete);
        Assert.StartsWith("vol-", (await ec2.CreateVolumeAsync(create)).Volume.VolumeId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Added_KMS_latency_holds_each_call_at_least_that_long()
    {
        var key = await _server.NewKmsKeyAsync();
        await _server.SetFaultsAsync("""{"kms": {"latency": [{"operation": "Encrypt", "latencyMs": 150}]}}""");
        using var kms = _server.Kms();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream([1, 2, 3]) });
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(150), watch.Elapsed.ToString());
    }

    [Fact]
    public async Task Lowered_quotas_throttle_at_the_new_rate()
    {
        var key = await _server.NewKmsKeyAsync();
        await _server.SetFaultsAsync("""{"quotas": {"symmetricRps": 1}}""");
        using var kms = _server.Kms();
        var throttled = 0;
        for (var i = 0; i < 5; i++)
        {
            try
            {
                await kms.EncryptAsync(new EncryptRequest { KeyId = key, Plaintext = new MemoryStream([1]) });
            }
            catch (Amazon.KeyManagementService.Model.LimitExceededException)
            {
                Assert.Fail("throttling is ThrottlingException, not LimitExceededException");
            }
            catch (AmazonKeyManagementServiceException e) when (e.ErrorCode == "ThrottlingException")
            {
                throttled++;
            }
        }
        // A 1/s bucket admits its burst of one, then at most a few refills in the time five calls take.
        Assert.True(throttled >= 1, $"{throttled} throttled");
    }

    internal static PutObjectRequest KmsPut(string bucket, string key, string kmsKeyId, bool bucketKey = false) => new()
    {
        BucketName = bucket,
        Key = key,
        ContentBody = "faulted body " + key,
        ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
        ServerSideEncryptionKeyManagementServiceKeyId = kmsKeyId,
        BucketKeyEnabled = bucketKey,
    };

    internal AmazonS3Client Client(CountingHttpClientFactory factory, int maxErrorRetry) =>
        new(new Amazon.Runtime.BasicAWSCredentials("test", "test"), new AmazonS3Config
        {
            ServiceURL = _server.Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = maxErrorRetry,
            HttpClientFactory = factory,
        });
}

/// <summary>Counts every HTTP request an SDK client sends, so its retries are visible.</summary>
public sealed class CountingHttpClientFactory : Amazon.Runtime.HttpClientFactory
{
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public override HttpClient CreateHttpClient(Amazon.Runtime.IClientConfig clientConfig) => new(new Counting(this));

    public override bool UseSDKHttpClientCaching(Amazon.Runtime.IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(Amazon.Runtime.IClientConfig clientConfig) => false;

    private sealed class Counting(CountingHttpClientFactory owner) : DelegatingHandler(new HttpClientHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref owner._requests);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
