using System.Globalization;
using SseSim.Core.Aws;
using SseSim.Core.Tracing;
using SseSim.Objects.Envelope;

namespace SseSim.Objects;

/// <summary>
/// The steps the S3 domain adds to the ambient trace (the KMS steps come from IDataKeyService). Each call is a no-op
/// when no trace is active. Keys are described by mode, size and ARN only.
/// </summary>
internal static class ObjectTrace
{
    public static string Subject(string bucket, string key) => $"s3://{bucket}/{key}";

    public static void Request(Caller caller, string operation, string bucket, string key)
    {
        if (Tracer.Current is not { } t)
        {
            return;
        }
        t.About(Subject(bucket, key), operation, caller.Identity.Arn);
        t.Add("s3:" + operation, $"client → S3 front end: {operation} s3://{bucket}/{key} as {caller.Identity.Arn}",
            fields: new Dictionary<string, string>(StringComparer.Ordinal) { ["bucket"] = bucket, ["key"] = key, ["identity"] = caller.Identity.Arn });
    }

    public static void Step(string name, string detail, IReadOnlyDictionary<string, string>? fields = null) =>
        Tracer.Current?.Add(name, detail, fields: fields);

    public static void KeyInMemory(EncryptionRecord record)
    {
        if (Tracer.Current is not { } t)
        {
            return;
        }
        var how = record.Mode switch
        {
            SseMode.SseS3 => "SSE-S3 data key unwrapped with the S3 master key",
            SseMode.SseC => "SSE-C customer key checked against its salted HMAC",
            SseMode.DsseKms => "DSSE-KMS: the inner layer's data key from KMS, the outer layer's unwrapped with the S3 master key",
            _ when record.BucketKey => "object key derived from the bucket key (HKDF-SHA256, per-object salt)",
            _ => "plaintext data key returned by KMS",
        };
        var what = record.Mode == SseMode.DsseKms ? "two 256-bit data keys (one per layer)" : "256-bit data key";
        t.Add("key:in-memory", $"{what} held in memory (pinned, never written): {how}",
            fields: new Dictionary<string, string>(StringComparer.Ordinal) { ["sseMode"] = ModeName(record), ["bucketKey"] = record.BucketKey ? "true" : "false" });
    }

    public static void KeyZeroed() => Tracer.Current?.Add("key:zeroed", "data key zeroed in memory");

    public static void Segments(string verb, long plaintextBytes, long segments, int segmentSize)
    {
        if (Tracer.Current is not { } t)
        {
            return;
        }
        var detail = verb == "encrypt"
            ? $"{segments} segment(s) of up to {segmentSize} bytes sealed with AES-256-GCM ({plaintextBytes} plaintext bytes)"
            : $"{segments} segment(s) verified (AES-256-GCM tag) and decrypted ({plaintextBytes} plaintext bytes)";
        t.Add("envelope:" + verb, detail, fields: new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["segments"] = segments.ToString(CultureInfo.InvariantCulture),
            ["segmentSize"] = segmentSize.ToString(CultureInfo.InvariantCulture),
            ["plaintextBytes"] = plaintextBytes.ToString(CultureInfo.InvariantCulture),
            ["headerVersion"] = EnvelopeFormat.Version.ToString(CultureInfo.InvariantCulture),
            ["algorithm"] = "AES-256-GCM, HKDF-SHA256 segment keys",
        });
    }

    public static string ModeName(EncryptionRecord record) => record.Mode switch
    {
        SseMode.SseS3 => "SSE-S3",
        SseMode.SseKms => "SSE-KMS",
        SseMode.DsseKms => "DSSE-KMS",
        _ => "SSE-C",
    };
}
