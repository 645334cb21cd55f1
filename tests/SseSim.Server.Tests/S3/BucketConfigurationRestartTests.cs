using Amazon.S3.Model;

namespace SseSim.Server.Tests.S3;

/// <summary>Public access block, CORS and lifecycle configurations are in the persisted bucket record (AWSSDK.S3).</summary>
public sealed class BucketConfigurationRestartTests : IAsyncLifetime
{
    private readonly ServerFixture _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Configurations_survive_a_restart()
    {
        var bucket = await _server.NewBucketAsync();
        using (var s3 = _server.S3())
        {
            await s3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
            {
                BucketName = bucket,
                PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration { BlockPublicAcls = true, RestrictPublicBuckets = true },
            });
            await s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
            {
                BucketName = bucket,
                Configuration = new CORSConfiguration { Rules = [new CORSRule { Id = "r", AllowedMethods = ["GET"], AllowedOrigins = ["https://example.org"], MaxAgeSeconds = 60 }] },
            });
            await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
            {
                BucketName = bucket,
                Configuration = new LifecycleConfiguration
                {
                    Rules = [new LifecycleRule { Id = "old", Status = Amazon.S3.LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { Prefix = "old/" }, Expiration = new LifecycleRuleExpiration { Days = 90 } }],
                },
            });
        }

        await _server.RestartAsync();

        using (var s3 = _server.S3())
        {
            var block = (await s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket })).PublicAccessBlockConfiguration;
            Assert.Equal((true, false, false, true), (block.BlockPublicAcls, block.IgnorePublicAcls, block.BlockPublicPolicy, block.RestrictPublicBuckets));
            var cors = (await s3.GetCORSConfigurationAsync(new GetCORSConfigurationRequest { BucketName = bucket })).Configuration.Rules.Single();
            Assert.Equal(("r", "GET", "https://example.org", 60), (cors.Id, cors.AllowedMethods.Single(), cors.AllowedOrigins.Single(), cors.MaxAgeSeconds));
            var rule = (await s3.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = bucket })).Configuration.Rules.Single();
            // AWSSDK.S3 4.1 reads a filter's Prefix into its LifecyclePrefixPredicate.
            Assert.Equal(("old", "old/", 90), (rule.Id, (rule.Filter.LifecycleFilterPredicate as LifecyclePrefixPredicate)?.Prefix, rule.Expiration.Days));
        }
    }
}
