using SseSim.Objects.Envelope;

namespace SseSim.Objects;

/// <summary>What the dashboard may see of a bucket: never a key, only names, modes and sizes.</summary>
public sealed record BucketInspection(string Name, string Owner, string Region, DateTimeOffset Created, string? DefaultSse, string? DefaultKmsKeyId, bool DefaultBucketKey);

/// <summary>
/// What the dashboard may see of an object's encryption. <see cref="WrappedKey"/> is the KMS CiphertextBlob (or the
/// SSE-S3 wrap): ciphertext, so it is safe to hand out, and its header names the KMS key-material version.
/// </summary>
public sealed record ObjectInspection(
    string Bucket, string Key, long Size, DateTimeOffset LastModified, string SseMode, string? KmsKeyArn,
    IReadOnlyDictionary<string, string>? EncryptionContext, bool BucketKey, byte[]? WrappedKey, int Parts, string Owner);

/// <summary>The 52-byte envelope header of one stored body (docs/formats/object-envelope.md#header), plus its segment count.</summary>
public sealed record EnvelopeInspection(int PartNumber, int Version, string Algorithm, int SegmentSize, string SaltHex, string NoncePrefixHex,
    long PlaintextBytes, long Segments);

public sealed partial class ObjectStore
{
    internal int SegmentSize => _options.SegmentSize;

    /// <summary>Every bucket of every account (read-only dashboard).</summary>
    public IReadOnlyList<BucketInspection> InspectBuckets() =>
        [.. _meta.Scan("bucket/").Select(kv => Records.Deserialize<BucketRecord>(kv.Value)).Select(b => new BucketInspection(
            b.Name, b.Owner, b.Region, b.Created, b.Encryption?.SseAlgorithm, b.Encryption?.KmsMasterKeyId, b.Encryption?.BucketKeyEnabled ?? false))];

    /// <summary>
    /// Up to <paramref name="limit"/> objects of <paramref name="bucket"/>, or of all buckets when null, in key order.
    /// A key whose current version is a delete marker is not an object (ListObjects leaves it out too).
    /// </summary>
    public IReadOnlyList<ObjectInspection> InspectObjects(string? bucket = null, int limit = 1000)
    {
        var prefix = bucket is null ? ObjectRecordPrefix : Records.ObjectPrefix(bucket);
        var result = new List<ObjectInspection>();
        string? after = null;
        while (result.Count < limit)
        {
            var want = limit - result.Count;
            var page = _meta.Scan(prefix, after, want);
            foreach (var (tableKey, value) in page)
            {
                var record = Records.Deserialize<ObjectRecord>(value);
                if (!record.IsDeleteMarker)
                {
                    var name = tableKey[ObjectRecordPrefix.Length..];
                    result.Add(Inspect(name[..name.IndexOf('/', StringComparison.Ordinal)], record));
                }
            }
            if (page.Count < want)
            {
                break;
            }
            after = page[^1].Key;
        }
        return result;
    }

    public ObjectInspection? InspectObject(string bucket, string key) =>
        _meta.TryGet(Records.ObjectKey(bucket, key), out var bytes) && Records.Deserialize<ObjectRecord>(bytes) is { IsDeleteMarker: false } record
            ? Inspect(bucket, record)
            : null;

    /// <summary>Reads each body's envelope header (one small read per part); the data key is not needed for this.</summary>
    public async Task<IReadOnlyList<EnvelopeInspection>> InspectEnvelopeAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        if (!_meta.TryGet(Records.ObjectKey(bucket, key), out var bytes))
        {
            return [];
        }
        var record = Records.Deserialize<ObjectRecord>(bytes);
        var result = new List<EnvelopeInspection>();
        foreach (var part in record.Parts)
        {
            var header = new byte[EnvelopeFormat.HeaderLength];
            var body = await OpenBodyAsync(part.BodyId, cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                await body.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
            }
            var parsed = EnvelopeHeader.Parse(header);
            result.Add(new EnvelopeInspection(part.PartNumber, header[EnvelopeFormat.VersionOffset], "AES-256-GCM with HKDF-SHA256 segment keys",
                parsed.SegmentSize, Convert.ToHexStringLower(parsed.Salt), Convert.ToHexStringLower(parsed.NoncePrefix), part.Size,
                SegmentLayout.SegmentCount(part.Size, parsed.SegmentSize)));
        }
        return result;
    }

    private static ObjectInspection Inspect(string bucket, ObjectRecord r) => new(
        bucket, r.Key, r.Size, r.LastModified, ObjectTrace.ModeName(r.Encryption), r.Encryption.KmsKeyArn,
        r.Encryption.KmsContext is null ? null : new Dictionary<string, string>(r.Encryption.KmsContext, StringComparer.Ordinal),
        r.Encryption.BucketKey, r.Encryption.WrappedKey?.ToArray(), r.Parts.Count, r.Owner);
}
