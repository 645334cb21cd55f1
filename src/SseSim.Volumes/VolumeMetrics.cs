using System.Diagnostics.Metrics;

namespace SseSim.Volumes;

/// <summary>
/// The EBS domain's instruments (System.Diagnostics.Metrics; the server publishes them on /metrics). Without an
/// <see cref="IMeterFactory"/> (unit tests) nothing is measured.
/// </summary>
public sealed class VolumeMetrics
{
    public const string MeterName = "SseSim.Volumes";

    private readonly Counter<long>? _encrypted;
    private readonly Counter<long>? _decrypted;

    internal VolumeMetrics(IMeterFactory? factory, Func<int> attached, Func<int> keysResident)
    {
        if (factory?.Create(MeterName) is not { } meter)
        {
            return;
        }
        _encrypted = meter.CreateCounter<long>("ssesim.ebs.encrypted.bytes", description: "Volume bytes encrypted on write (encrypted volumes).");
        _decrypted = meter.CreateCounter<long>("ssesim.ebs.decrypted.bytes", description: "Volume bytes decrypted on read (encrypted volumes).");
        meter.CreateObservableGauge("ssesim.ebs.volumes.attached", attached, description: "Volumes attached (exported over NBD).");
        meter.CreateObservableGauge("ssesim.ebs.keys.resident", keysResident, description: "Plaintext volume data keys held in memory (attached encrypted volumes).");
    }

    internal void RecordEncrypted(long bytes) => _encrypted?.Add(bytes);

    internal void RecordDecrypted(long bytes) => _decrypted?.Add(bytes);
}
