namespace SseSim.Kms;

public sealed class KmsOptions
{
    public string Region { get; set; } = "us-east-1";

    /// <summary>Requests per second per account for each quota class; AWS defaults.</summary>
    public double SymmetricRequestsPerSecond { get; set; } = 10_000;
    public double RsaRequestsPerSecond { get; set; } = 500;
    public double EccRequestsPerSecond { get; set; } = 300;

    /// <summary>When false no request is throttled (a deliberate, documented divergence for load tests).</summary>
    public bool QuotasEnabled { get; set; } = true;
}
