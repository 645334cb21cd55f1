namespace SseSim.Server.Hosting;

/// <summary>
/// The run contract: <c>--port --host --nbd-port --data-dir --seed --region</c>, also settable through
/// environment variables (SSESIM_PORT, SSESIM_DATADIR, ...) and appsettings.json (Port, DataDir, ...).
/// </summary>
public sealed class ServerOptions
{
    public int Port { get; set; } = 4566;
    public string Host { get; set; } = "127.0.0.1";
    public int NbdPort { get; set; } = 10809;
    public string DataDir { get; set; } = "./data";
    public string? Seed { get; set; }
    public string Region { get; set; } = "us-east-1";

    /// <summary>Base64 32-byte root key supplied by the operator instead of the generated data-dir file.</summary>
    public string? RootKey { get; set; }

    /// <summary>Set false to lift KMS request quotas for load tests.</summary>
    public bool KmsQuotas { get; set; } = true;

    /// <summary>KMS cryptographic request quotas per account per second (AWS defaults).</summary>
    public double KmsSymmetricRequestsPerSecond { get; set; } = 10_000;
    public double KmsRsaRequestsPerSecond { get; set; } = 500;
    public double KmsEccRequestsPerSecond { get; set; } = 300;

    /// <summary>Optional per-volume IOPS/throughput limits modelled on EBS (off by default).</summary>
    public bool VolumeLimits { get; set; }

    /// <summary>AWS rejects SSE-C over plain HTTP; SseSim allows it unless this is set (most local setups have no TLS).</summary>
    public bool SseCRequireHttps { get; set; }

    /// <summary>Seconds a RestoreObject of a GLACIER or DEEP_ARCHIVE object takes (AWS: minutes to hours; 0 restores at once).</summary>
    public double S3RestoreSeconds { get; set; }

    /// <summary>Where object bodies live: "embedded" (files under the data dir) or "s3" (a shared remote bucket; ObjectBackendOptions.cs).</summary>
    public string ObjectBackend { get; set; } = "embedded";
    public string? ObjectBackendEndpoint { get; set; }
    public string? ObjectBackendBucket { get; set; }
    public string? ObjectBackendAccessKey { get; set; }
    public string? ObjectBackendSecretKey { get; set; }
    public string ObjectBackendRegion { get; set; } = "us-east-1";

    /// <summary>An access key allowed to call the admin API (/_ssesim/api/faults) besides seed identities marked "admin".</summary>
    public string? AdminAccessKey { get; set; }

    /// <summary>Serve /metrics to any client, not only loopback ones (e.g. a Prometheus in another container).</summary>
    public bool MetricsAnyClient { get; set; }

    /// <summary>Slow clients: the whole request header section must arrive within this (Kestrel RequestHeadersTimeout).</summary>
    public double RequestHeadersTimeoutSeconds { get; set; } = 30;

    /// <summary>Slow clients: after this grace a request body must keep arriving at 240 B/s or more (Kestrel MinRequestBodyDataRate).</summary>
    public double RequestBodyGraceSeconds { get; set; } = 10;

    /// <summary>
    /// Run socket completions and request handlers on the socket engine's threads instead of handing each one to a
    /// thread-pool worker (SocketScheduling.cs). Only in the server's own process and with embedded storage.
    /// </summary>
    public bool InlineSocketCompletions { get; set; } = true;

    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>
    {
        ["--port"] = "Port",
        ["--host"] = "Host",
        ["--nbd-port"] = "NbdPort",
        ["--data-dir"] = "DataDir",
        ["--seed"] = "Seed",
        ["--region"] = "Region",
        ["--root-key"] = "RootKey",
        ["--kms-quotas"] = "KmsQuotas",
        ["--kms-symmetric-rps"] = "KmsSymmetricRequestsPerSecond",
        ["--kms-rsa-rps"] = "KmsRsaRequestsPerSecond",
        ["--kms-ecc-rps"] = "KmsEccRequestsPerSecond",
        ["--volume-limits"] = "VolumeLimits",
        ["--ssec-require-https"] = "SseCRequireHttps",
        ["--s3-restore-seconds"] = "S3RestoreSeconds",
        ["--object-backend"] = "ObjectBackend",
        ["--object-backend-endpoint"] = "ObjectBackendEndpoint",
        ["--object-backend-bucket"] = "ObjectBackendBucket",
        ["--object-backend-access-key"] = "ObjectBackendAccessKey",
        ["--object-backend-secret-key"] = "ObjectBackendSecretKey",
        ["--object-backend-region"] = "ObjectBackendRegion",
        ["--admin-access-key"] = "AdminAccessKey",
        ["--metrics-any-client"] = "MetricsAnyClient",
        ["--inline-socket-completions"] = "InlineSocketCompletions",
    };
}
