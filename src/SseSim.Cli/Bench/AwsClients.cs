using Amazon;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.S3;

namespace SseSim.Cli.Bench;

/// <summary>The SDK clients every workload uses, configured the same way for SseSim, AWS, MinIO or moto_server.</summary>
public static class AwsClients
{
    public static AmazonS3Client S3(BenchOptions o)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = true,
            MaxErrorRetry = 0,
            MaxConnectionsPerServer = o.Concurrency,
            Timeout = TimeSpan.FromMinutes(5),
            RequestChecksumCalculation = o.ChecksumWhenSupported ? RequestChecksumCalculation.WHEN_SUPPORTED : RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = o.ChecksumWhenSupported ? ResponseChecksumValidation.WHEN_SUPPORTED : ResponseChecksumValidation.WHEN_REQUIRED,
        };
        Target(config, o);
        return new AmazonS3Client(new BasicAWSCredentials(o.AccessKey, o.SecretKey), config);
    }

    public static AmazonKeyManagementServiceClient Kms(BenchOptions o)
    {
        var config = new AmazonKeyManagementServiceConfig
        {
            MaxErrorRetry = 0,
            MaxConnectionsPerServer = o.Concurrency,
        };
        Target(config, o);
        return new AmazonKeyManagementServiceClient(new BasicAWSCredentials(o.AccessKey, o.SecretKey), config);
    }

    private static void Target(ClientConfig config, BenchOptions o)
    {
        if (o.EndpointUrl is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(o.Region);
        }
        else
        {
            config.ServiceURL = o.EndpointUrl;
            config.AuthenticationRegion = o.Region;
        }
    }
}
