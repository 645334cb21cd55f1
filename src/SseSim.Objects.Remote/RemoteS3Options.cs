namespace SseSim.Objects.Remote;

/// <summary>Where the remote backend keeps ciphertext: any S3-compatible endpoint (distributed MinIO, AWS S3, moto).</summary>
public sealed class RemoteS3Options
{
    /// <summary>Base URL, e.g. http://minio1:9000 or https://s3.eu-west-1.amazonaws.com; https turns TLS on.</summary>
    public required string Endpoint { get; init; }
    public required string Bucket { get; init; }
    public required string AccessKey { get; init; }
    public required string SecretKey { get; init; }
    public string Region { get; init; } = "us-east-1";

    /// <summary>Ciphertext bytes fetched per ranged GET; bounds the memory of one open body read.</summary>
    public int ReadWindow { get; init; } = 4 * 1024 * 1024;
}
