using System.Text.Json;
using System.Text.Json.Serialization;

namespace SseSim.Core.Faults;

/// <summary>
/// The JSON contract of <c>/_ssesim/api/faults</c>, shared by the server and the <c>ssesim faults</c> CLI. In a PUT
/// each section present replaces that section (kms.latency, kms.errors, kms.outage, quotas, volumes); absent ones
/// stay. GET answers every section.
/// </summary>
public sealed record FaultsDocument
{
    public KmsFaultsDocument? Kms { get; init; }
    public QuotasDocument? Quotas { get; init; }
    public VolumeFaultsDocument? Volumes { get; init; }

    public static JsonSerializerOptions Json { get; } = CreateJson();

    private static JsonSerializerOptions CreateJson()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = true,
        };
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}

public sealed record KmsFaultsDocument
{
    public IReadOnlyList<LatencyDocument>? Latency { get; init; }
    public IReadOnlyList<ErrorDocument>? Errors { get; init; }

    /// <summary>An outage window; in a PUT, <c>durationSeconds</c> alone means "from now", and 0 ends any outage.</summary>
    public OutageDocument? Outage { get; init; }
}

/// <summary>Added latency; <see cref="Operation"/> null means every KMS operation.</summary>
public sealed record LatencyDocument(string? Operation, double LatencyMs, double JitterMs = 0);

/// <summary>A share (0..1) of calls that fail with <see cref="ErrorCode"/>; <see cref="Operation"/> null means every operation.</summary>
public sealed record ErrorDocument(string? Operation, double Rate, string ErrorCode);

public sealed record OutageDocument
{
    public DateTimeOffset? Start { get; init; }
    public DateTimeOffset? End { get; init; }
    public double? DurationSeconds { get; init; }

    /// <summary>KMSInternalException (default) or DependencyTimeoutException (or ThrottlingException).</summary>
    public string? ErrorCode { get; init; }
}

/// <summary>KMS cryptographic request quotas per account per second; absent members keep their value.</summary>
public sealed record QuotasDocument
{
    public bool? Enabled { get; init; }
    public double? SymmetricRps { get; init; }
    public double? RsaRps { get; init; }
    public double? EccRps { get; init; }
}

public sealed record VolumeFaultsDocument(double LatencyMs, double JitterMs = 0);
