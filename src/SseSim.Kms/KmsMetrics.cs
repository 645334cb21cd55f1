using System.Diagnostics.Metrics;
using SseSim.Core.Aws;

namespace SseSim.Kms;

/// <summary>
/// The KMS domain's instruments (System.Diagnostics.Metrics, so this project knows no exporter; the server publishes
/// them on /metrics). One meter per service instance: with an <see cref="IMeterFactory"/> the host scopes it to itself,
/// so two servers in one process (tests) never mix their counts.
/// </summary>
public sealed class KmsMetrics : IDisposable
{
    public const string MeterName = "SseSim.Kms";

    private readonly Meter _meter;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _throttles;
    private readonly Counter<long> _bytesEncrypted;
    private readonly Counter<long> _bytesDecrypted;

    public KmsMetrics(IMeterFactory? factory)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _calls = _meter.CreateCounter<long>("ssesim.kms.calls", description: "KMS calls by operation, result (Success or the error code) and caller service (direct, s3, ec2).");
        _throttles = _meter.CreateCounter<long>("ssesim.kms.throttles", description: "KMS calls answered ThrottlingException, by cause (quota or injected).");
        _bytesEncrypted = _meter.CreateCounter<long>("ssesim.kms.encrypted.bytes", description: "Plaintext bytes encrypted by KMS Encrypt.");
        _bytesDecrypted = _meter.CreateCounter<long>("ssesim.kms.decrypted.bytes", description: "Plaintext bytes returned by KMS Decrypt.");
    }

    /// <summary>kms:ViaService's service name ("s3", "ec2"), or "direct" for calls made to the KMS API itself.</summary>
    public static string CallerService(Caller caller) =>
        caller.ViaService is { } via ? via.Split('.')[0] : "direct";

    public void RecordCall(string operation, Caller caller, KmsException? error)
    {
        var service = CallerService(caller);
        _calls.Add(1, new("operation", operation), new("result", error?.ErrorType ?? "Success"), new("caller_service", service));
        if (error is { ErrorType: "ThrottlingException" })
        {
            _throttles.Add(1, new("operation", operation), new("caller_service", service), new("cause", error.Injected ? "injected" : "quota"));
        }
    }

    public void RecordEncrypted(string operation, long bytes) => _bytesEncrypted.Add(bytes, new KeyValuePair<string, object?>("operation", operation));

    public void RecordDecrypted(string operation, long bytes) => _bytesDecrypted.Add(bytes, new KeyValuePair<string, object?>("operation", operation));

    public void Dispose() => _meter.Dispose();
}
