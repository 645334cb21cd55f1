namespace SseSim.Objects.Sse;

/// <summary>
/// Public face of the domain's flexible-checksum calculator, for the HTTP layer to verify trailing checksums of
/// aws-chunked bodies with exactly the arithmetic the domain stores.
/// </summary>
public sealed class FlexibleChecksum : IDisposable
{
    private readonly ChecksumCalculator _calculator;

    /// <param name="algorithm">CRC32, CRC32C, CRC64NVME, SHA1, SHA256, SHA512, MD5, XXHASH64, XXHASH3 or XXHASH128 (any case); others fail with InvalidArgument.</param>
    public FlexibleChecksum(string algorithm) => _calculator = new ChecksumCalculator(algorithm);

    /// <summary>S3's flexible checksum algorithms, upper case, in the order S3's error messages list them.</summary>
    public static IReadOnlyList<string> Algorithms { get; } = [.. ChecksumCalculator.Algorithms.Select(a => a.Name)];

    /// <summary>The digest's size in bytes, 0 for a name that is not an algorithm.</summary>
    public static int DigestSize(string algorithm) => ChecksumCalculator.Algorithms.FirstOrDefault(a => a.Name == algorithm).DigestSize;

    public string Algorithm => _calculator.Algorithm;

    public void Append(ReadOnlySpan<byte> data) => _calculator.Append(data);

    /// <summary>Base64 of the big-endian digest, as in x-amz-checksum-* headers.</summary>
    public string GetBase64() => _calculator.GetBase64();

    public void Dispose() => _calculator.Dispose();
}
