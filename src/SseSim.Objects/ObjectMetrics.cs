using System.Diagnostics.Metrics;

namespace SseSim.Objects;

/// <summary>
/// The S3 domain's instruments (System.Diagnostics.Metrics; the server publishes them on /metrics). Without an
/// <see cref="IMeterFactory"/> (unit tests) nothing is measured.
/// </summary>
internal sealed class ObjectMetrics
{
    public const string MeterName = "SseSim.Objects";

    private readonly Counter<long>? _encrypted;
    private readonly Counter<long>? _decrypted;
    private readonly Counter<long>? _bucketKeyHits;
    private readonly Counter<long>? _bucketKeyMisses;

    public ObjectMetrics(IMeterFactory? factory, Func<int> residentBucketKeys)
    {
        if (factory?.Create(MeterName) is not { } meter)
        {
            return;
        }
        _encrypted = meter.CreateCounter<long>("ssesim.s3.encrypted.bytes", description: "Object bytes encrypted on upload.");
        _decrypted = meter.CreateCounter<long>("ssesim.s3.decrypted.bytes", description: "Object bytes decrypted on download.");
        _bucketKeyHits = meter.CreateCounter<long>("ssesim.s3.bucket_key.hits", description: "Bucket Key cache hits (no KMS call), by use (encrypt, decrypt).");
        _bucketKeyMisses = meter.CreateCounter<long>("ssesim.s3.bucket_key.misses", description: "Bucket Key cache misses (one KMS call), by use (encrypt, decrypt).");
        meter.CreateObservableGauge("ssesim.s3.bucket_keys.resident", residentBucketKeys, description: "Plaintext Bucket Keys cached in memory.");
    }

    public void RecordEncrypted(long bytes) => _encrypted?.Add(bytes);

    public void RecordDecrypted(long bytes) => _decrypted?.Add(bytes);

    public void RecordBucketKey(string use, bool hit) =>
        (hit ? _bucketKeyHits : _bucketKeyMisses)?.Add(1, new KeyValuePair<string, object?>("use", use));
}
