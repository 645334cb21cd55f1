using System.Text.Json;
using System.Text.Json.Serialization;

namespace SseSim.Objects;

// Metadata records as stored through IKeyValueStore (JSON). Only wrapped keys, salts and HMACs are kept here.

internal enum SseMode
{
    SseS3,
    SseKms,
    SseC,

    /// <summary>DSSE-KMS: two envelope layers, a KMS data key and an S3-managed one (docs/formats/s3-metadata-records.md#outerwrappedkey).</summary>
    DsseKms,
}

internal sealed class EncryptionRecord
{
    public SseMode Mode { get; set; }

    /// <summary>SSE-S3: wrapped DK; SSE-KMS: KMS CiphertextBlob of the DK or, with a Bucket Key, of the bucket key; DSSE-KMS: KMS CiphertextBlob of the inner layer's DK.</summary>
    public byte[]? WrappedKey { get; set; }
    public string? KmsKeyArn { get; set; }

    /// <summary>The full context sent to KMS (client pairs plus aws:s3:arn), needed again for Decrypt.</summary>
    public Dictionary<string, string>? KmsContext { get; set; }

    /// <summary>The client's context header, echoed on PUT/COPY/CreateMultipartUpload responses only.</summary>
    public string? ClientContext { get; set; }
    public bool BucketKey { get; set; }
    public byte[]? BucketKeySalt { get; set; }

    /// <summary>
    /// Set by UpdateObjectEncryption: the object's original data key wrapped (SSE-S3 wrap construction) under the key
    /// that <see cref="WrappedKey"/> and <see cref="BucketKeySalt"/> yield (docs/formats/s3-metadata-records.md#wrappeddatakey).
    /// </summary>
    public byte[]? WrappedDataKey { get; set; }
    public byte[]? CustomerKeySalt { get; set; }
    public byte[]? CustomerKeyHmac { get; set; }

    /// <summary>DSSE-KMS: the outer layer's data key under the S3 master key (docs/formats/object-envelope.md#dual-layer-keys).</summary>
    public byte[]? OuterWrappedKey { get; set; }
}

internal sealed class BucketRecord
{
    public required string Name { get; set; }
    public DateTimeOffset Created { get; set; }
    public required string Region { get; set; }
    public required string Owner { get; set; }
    public BucketEncryptionRule? Encryption { get; set; }
    public string? Policy { get; set; }

    /// <summary>docs/formats/s3-metadata-records.md#tags: null means no tag set (NoSuchTagSet).</summary>
    public List<S3Tag>? Tags { get; set; }

    /// <summary>docs/formats/s3-metadata-records.md#bucket-configurations: null means none (404 on Get).</summary>
    public PublicAccessBlock? PublicAccessBlock { get; set; }
    public string? Cors { get; set; }
    public string? Lifecycle { get; set; }
    public string? LifecycleMinimumObjectSize { get; set; }

    /// <summary>"Enabled" or "Suspended" (docs/formats/s3-metadata-records.md#versioning); null: never versioned.</summary>
    public string? Versioning { get; set; }

    /// <summary>Older builds' only versioning member (true: Suspended); read when <see cref="Versioning"/> is absent, never written.</summary>
    public bool? VersioningSuspended { get; set; }

    /// <summary>docs/formats/s3-metadata-records.md#object-lock: true once Object Lock is on (never turned off).</summary>
    public bool? ObjectLockEnabled { get; set; }

    /// <summary>The default retention of new versions; null: none.</summary>
    public ObjectLockRule? ObjectLockRule { get; set; }

    [JsonIgnore]
    public bool HasObjectLock => ObjectLockEnabled == true;

    /// <summary>The bucket's versioning state, from either member.</summary>
    [JsonIgnore]
    public string? VersioningState => Versioning ?? (VersioningSuspended == true ? Records.Suspended : null);
}

internal sealed class PartRecord
{
    public int PartNumber { get; set; }
    public required string BodyId { get; set; }
    public long Size { get; set; }
    public required string ETag { get; set; }
    public DateTimeOffset LastModified { get; set; }

    /// <summary>The part's checksum in its upload's algorithm (docs/formats/s3-metadata-records.md#checksumtype).</summary>
    public string? ChecksumValue { get; set; }
}

internal sealed class ObjectRecord
{
    public required string Key { get; set; }
    public long Size { get; set; }
    public required string ETag { get; set; }
    public DateTimeOffset LastModified { get; set; }
    public ObjectHeaders Headers { get; set; } = new();
    public required EncryptionRecord Encryption { get; set; }

    /// <summary>Envelope binding id: random per single write, the upload id for multipart objects.</summary>
    public required string InstanceId { get; set; }
    public bool Multipart { get; set; }
    public List<PartRecord> Parts { get; set; } = [];
    public string? ChecksumAlgorithm { get; set; }
    public string? ChecksumValue { get; set; }

    /// <summary>COMPOSITE for a multipart checksum of part checksums; null means FULL_OBJECT (docs/formats/s3-metadata-records.md#checksumtype).</summary>
    public string? ChecksumType { get; set; }
    public required string Owner { get; set; }

    /// <summary>docs/formats/s3-metadata-records.md#tags: sorted by key, null when the object has none.</summary>
    public List<S3Tag>? Tags { get; set; }

    /// <summary>docs/formats/s3-metadata-records.md#versioning: null is the version AWS calls "null".</summary>
    public string? VersionId { get; set; }

    /// <summary>Position among the key's versions, higher is newer; 0 (absent) outside versioned buckets.</summary>
    public long? Sequence { get; set; }

    /// <summary>True for a delete marker (no body, no parts).</summary>
    public bool? DeleteMarker { get; set; }

    [JsonIgnore]
    public bool IsDeleteMarker => DeleteMarker == true;

    /// <summary>docs/formats/s3-metadata-records.md#object-lock: GOVERNANCE or COMPLIANCE, with <see cref="LockRetainUntil"/>.</summary>
    public string? LockMode { get; set; }
    public DateTimeOffset? LockRetainUntil { get; set; }

    /// <summary>Legal hold ON (true) or OFF (false); null: never set.</summary>
    public bool? LegalHold { get; set; }

    /// <summary>docs/formats/s3-metadata-records.md#restore: when the restore asked for is (or was) done; null: never restored.</summary>
    public DateTimeOffset? RestoreReadyAt { get; set; }

    /// <summary>When the restored copy is removed again (a midnight UTC); set with <see cref="RestoreReadyAt"/>.</summary>
    public DateTimeOffset? RestoreExpiry { get; set; }

    /// <summary>The id S3 reports: the stored one, or "null".</summary>
    [JsonIgnore]
    public string ReportedVersionId => VersionId ?? Records.NullVersion;

    /// <summary>
    /// Not stored in the record: the inline envelope (docs/formats/object-envelope.md#inline-bodies) read together with
    /// it, so a GET racing an overwrite that drops the old envelope still has its own.
    /// </summary>
    [JsonIgnore]
    public byte[]? InlineEnvelope { get; set; }
}

internal sealed class UploadRecord
{
    public required string Bucket { get; set; }
    public required string Key { get; set; }
    public required string UploadId { get; set; }
    public DateTimeOffset Initiated { get; set; }
    public ObjectHeaders Headers { get; set; } = new();
    public required EncryptionRecord Encryption { get; set; }
    public required string Owner { get; set; }

    /// <summary>CreateMultipartUpload's x-amz-tagging, given to the object at CompleteMultipartUpload (docs/formats/s3-metadata-records.md#tags).</summary>
    public List<S3Tag>? Tags { get; set; }

    /// <summary>CreateMultipartUpload's checksum algorithm, which a part's checksum must match (docs/formats/s3-metadata-records.md#checksumalgorithm).</summary>
    public string? ChecksumAlgorithm { get; set; }

    /// <summary>COMPOSITE or FULL_OBJECT when <see cref="ChecksumAlgorithm"/> is set (docs/formats/s3-metadata-records.md#checksumtype).</summary>
    public string? ChecksumType { get; set; }

    /// <summary>True: no algorithm, so parts and object get S3's default CRC64NVME (docs/formats/s3-metadata-records.md#defaultchecksum).</summary>
    public bool? DefaultChecksum { get; set; }

    /// <summary>docs/formats/s3-metadata-records.md#object-lock: GOVERNANCE or COMPLIANCE, with <see cref="LockRetainUntil"/>.</summary>
    public string? LockMode { get; set; }
    public DateTimeOffset? LockRetainUntil { get; set; }

    /// <summary>Legal hold ON (true) or OFF (false); null: never set.</summary>
    public bool? LegalHold { get; set; }

    /// <summary>
    /// The ETag of the key's live object when the upload was created; null when there was none (or for uploads created
    /// before this field). A conditional Complete finding that object deleted since conflicts (docs/formats/s3-metadata-records.md#keyobjectatstart).
    /// </summary>
    public string? KeyObjectAtStart { get; set; }
}

internal static class Records
{
    private static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T Deserialize<T>(byte[] bytes) => JsonSerializer.Deserialize<T>(bytes, Options)
        ?? throw new InvalidDataException("null metadata record");

    // Key layout of the "s3" table. Bucket names cannot contain '/', so "obj/<bucket>/" prefixes are unambiguous.
    public static string BucketKey(string bucket) => "bucket/" + bucket;
    public static string ObjectPrefix(string bucket) => "obj/" + bucket + "/";
    public static string ObjectKey(string bucket, string key) => ObjectPrefix(bucket) + key;
    public const string Enabled = "Enabled";
    public const string Suspended = "Suspended";
    public const string NullVersion = "null";
    public const string VersionPrefixRoot = "ver/";

    // docs/formats/s3-metadata-records.md#versioning: noncurrent versions, U+0000 ending the object key.
    public static string VersionBucketPrefix(string bucket) => VersionPrefixRoot + bucket + "/";
    public static string VersionPrefix(string bucket, string key) => VersionBucketPrefix(bucket) + key + "\0";
    public static string VersionKey(string bucket, string key, string? versionId) => VersionPrefix(bucket, key) + (versionId ?? NullVersion);
    public static string UploadPrefix(string bucket) => "upload/" + bucket + "/";
    public static string UploadKey(string bucket, string uploadId) => UploadPrefix(bucket) + uploadId;
    public static string PartPrefix(string uploadId) => "part/" + uploadId + "/";
    public static string PartKey(string uploadId, int partNumber) => PartPrefix(uploadId) + partNumber.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
}
