using System.IO.Pipelines;
using SseSim.Objects.Envelope;

namespace SseSim.Objects;

/// <summary>Tunables; the defaults are AWS's limits.</summary>
public sealed class ObjectStoreOptions
{
    /// <summary>Plaintext bytes per envelope segment (docs/formats/object-envelope.md#header).</summary>
    public int SegmentSize { get; init; } = 64 * 1024;

    /// <summary>Minimum size of every part but the last (EntityTooSmall).</summary>
    public long MinPartSize { get; init; } = 5L * 1024 * 1024;

    public long MaxPartSize { get; init; } = 5L * 1024 * 1024 * 1024;

    public long MaxObjectSize { get; init; } = 5L * 1024 * 1024 * 1024 * 1024;

    /// <summary>
    /// Single PUT/COPY envelopes up to this many bytes are stored in the metadata table beside their record and committed
    /// with it (docs/formats/object-envelope.md#inline-bodies); 0 stores every body as a file. Embedded backend only.
    /// The default, 65,604, is one full default segment: header 52 + 65,536 + tag 16.
    /// </summary>
    public int InlineBodyMaxBytes { get; init; } = EnvelopeFormat.HeaderLength + EnvelopeFormat.DefaultSegmentSize + EnvelopeFormat.TagLength;

    /// <summary>Inline bodies live in memory with the table, so inlining stops while they total more than this.</summary>
    public long InlineBodyBudgetBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>How long a Bucket Key (plaintext, per bucket/KMS key/requester) stays cached; AWS only says "time-limited".</summary>
    public TimeSpan BucketKeyLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Ceph s3-tests compatibility: GetBucketEncryption on a bucket without a rule fails instead of reporting the implicit AES256 rule.</summary>
    public bool ReportMissingBucketEncryption { get; init; }

    /// <summary>
    /// How long a RestoreObject takes before the restored copy can be read. AWS takes minutes (Expedited) to 48 hours
    /// (Deep Archive Bulk); the default 0 restores at once, as other S3 simulators do (README: divergences).
    /// </summary>
    public TimeSpan RestoreDuration { get; init; } = TimeSpan.Zero;

    /// <summary>AWS blocks SSE-C on new buckets since April 2026; off by default so SSE-C test suites run unchanged.</summary>
    public bool BlockSseCOnNewBuckets { get; init; }

    /// <summary>Where the S3 instruments are created; null measures nothing.</summary>
    public System.Diagnostics.Metrics.IMeterFactory? Meters { get; init; }
}

public sealed record BucketInfo(string Name, DateTimeOffset CreationDate, string Region, string OwnerAccountId);

/// <summary>A bucket's PublicAccessBlockConfiguration (a member left out of a put is false).</summary>
public sealed record PublicAccessBlock(bool BlockPublicAcls, bool IgnorePublicAcls, bool BlockPublicPolicy, bool RestrictPublicBuckets)
{
    /// <summary>What every new AWS bucket has had since April 2023.</summary>
    public static readonly PublicAccessBlock AllBlocked = new(true, true, true, true);
}

/// <summary>One ServerSideEncryptionConfiguration rule. <see cref="SseAlgorithm"/> is "AES256", "aws:kms" or "aws:kms:dsse".</summary>
public sealed record BucketEncryptionRule(
    string SseAlgorithm,
    string? KmsMasterKeyId = null,
    bool BucketKeyEnabled = false,
    IReadOnlyList<string>? BlockedEncryptionTypes = null);

/// <summary>The three SSE-C headers exactly as received (key and MD5 base64). Validation is the domain's job (reference/s3.md §1.6).</summary>
public sealed record CustomerKeyHeaders(string? Algorithm, string? Key, string? KeyMd5);

/// <summary>The SSE request headers of PutObject / CopyObject / CreateMultipartUpload, unvalidated.</summary>
public sealed record SseRequest
{
    /// <summary>x-amz-server-side-encryption: "AES256", "aws:kms" or "aws:kms:dsse".</summary>
    public string? ServerSideEncryption { get; init; }

    public string? KmsKeyId { get; init; }

    /// <summary>x-amz-server-side-encryption-context: base64 of a JSON string→string object.</summary>
    public string? EncryptionContext { get; init; }

    public bool? BucketKeyEnabled { get; init; }

    public CustomerKeyHeaders? CustomerKey { get; init; }
}

/// <summary>
/// What the response SSE headers should say. <see cref="ServerSideEncryption"/> is null for SSE-C (which reports the
/// customer algorithm and key MD5 instead). <see cref="EncryptionContext"/> (base64 JSON, without the aws:s3:arn entry
/// S3 adds) is only set on PutObject / CopyObject / CreateMultipartUpload results when the client sent one.
/// </summary>
public sealed record EncryptionInfo(
    string? ServerSideEncryption,
    string? KmsKeyArn = null,
    bool BucketKeyEnabled = false,
    string? CustomerAlgorithm = null,
    string? CustomerKeyMd5 = null,
    string? EncryptionContext = null);

/// <summary>Standard headers stored with an object and returned on GET/HEAD.</summary>
public sealed record ObjectHeaders
{
    public string? ContentType { get; init; }
    public string? ContentEncoding { get; init; }
    public string? ContentDisposition { get; init; }
    public string? ContentLanguage { get; init; }
    public string? CacheControl { get; init; }
    public string? Expires { get; init; }

    /// <summary>x-amz-meta-* with the prefix removed; names lower-cased by the HTTP layer.</summary>
    public IReadOnlyDictionary<string, string>? UserMetadata { get; init; }

    /// <summary>
    /// x-amz-storage-class other than STANDARD; null is STANDARD, which S3 leaves out of GET/HEAD
    /// (docs/formats/s3-metadata-records.md#storageclass).
    /// </summary>
    public string? StorageClass { get; init; }

    /// <summary>
    /// x-amz-website-redirect-location, returned on GET/HEAD; a copy takes the request's, never the source's
    /// (docs/formats/s3-metadata-records.md#websiteredirectlocation).
    /// </summary>
    public string? WebsiteRedirectLocation { get; init; }

    /// <summary>The class listings and GetObjectAttributes report.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string ReportedStorageClass => StorageClass ?? StorageClasses.Standard;
}

/// <summary>The storage classes of a general purpose bucket (docs/formats/s3-metadata-records.md#storageclass).</summary>
public static class StorageClasses
{
    public const string Standard = "STANDARD";

    public const string Glacier = "GLACIER";
    public const string DeepArchive = "DEEP_ARCHIVE";

    // Stored and reported; nothing else differs between them here (no retrieval fees or minimum durations). The archive
    // classes also need a RestoreObject before their body can be read (docs/formats/s3-metadata-records.md#restore).
    private static readonly string[] Stored = ["REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", Glacier, DeepArchive];

    /// <summary>S3 Glacier Flexible Retrieval and Deep Archive: readable only through a restored copy.</summary>
    public static bool IsArchive(string? storedClass) => storedClass is Glacier or DeepArchive;

    /// <summary>
    /// Validates an x-amz-storage-class value: null for absent or STANDARD, the value for a stored class; 400
    /// InvalidStorageClass for anything a general purpose bucket does not take (OUTPOSTS, EXPRESS_ONEZONE, ...).
    /// </summary>
    public static string? Normalize(string? value)
    {
        if (value is null || value == Standard)
        {
            return null;
        }
        if (Stored.Contains(value))
        {
            return value;
        }
        throw new S3Exception("InvalidStorageClass", "The storage class you specified is not valid", 400).With("StorageClassRequested", value);
    }
}

/// <summary>
/// An archived object's restore as of now: in progress, or done with the restored copy kept until <see cref="Expiry"/>
/// (docs/formats/s3-metadata-records.md#restore).
/// </summary>
public sealed record RestoreStatus(bool InProgress, DateTimeOffset Expiry);

/// <summary>RestoreObject's retrieval tier (GlacierJobParameters/Tier).</summary>
public enum RestoreTier
{
    Standard,
    Bulk,
    Expedited,
}

/// <summary>One object or bucket tag (docs/formats/s3-metadata-records.md#tags).</summary>
public sealed record S3Tag(string Key, string Value);

/// <summary>A flexible checksum header: one of S3's checksum algorithms (FlexibleChecksum.Algorithms), value base64 (optional).</summary>
public sealed record ChecksumInput(string Algorithm, string? Value = null);

/// <summary>A parsed Range header: bytes=First-Last, bytes=First-, or bytes=-Last (suffix, First null).</summary>
public readonly record struct ByteRangeSpec(long? First, long? Last);

/// <summary>The resolved range sent back as Content-Range: bytes First-Last/Total.</summary>
public readonly record struct ContentRange(long First, long Last, long Total);

/// <summary>HTTP conditionals (raw header values for the ETag ones: quoted, unquoted, lists and * all accepted).</summary>
public sealed record Conditions(
    string? IfMatch = null,
    string? IfNoneMatch = null,
    DateTimeOffset? IfModifiedSince = null,
    DateTimeOffset? IfUnmodifiedSince = null);

public sealed record PutObjectRequest(string Bucket, string Key, PipeReader Body)
{
    /// <summary>x-amz-object-lock-mode, -retain-until-date and -legal-hold (docs/formats/s3-metadata-records.md#object-lock).</summary>
    public ObjectLockHeaders? ObjectLock { get; init; }

    public ObjectHeaders Headers { get; init; } = new();
    public SseRequest? Encryption { get; init; }

    /// <summary>Content-MD5 header (base64).</summary>
    public string? ContentMd5 { get; init; }

    public ChecksumInput? Checksum { get; init; }

    /// <summary>Decoded body length when the client declared one; a body of another length fails with IncompleteBody.</summary>
    public long? ContentLength { get; init; }

    /// <summary>Conditional write: If-Match (an ETag) / If-None-Match ("*") against the object this PUT replaces.</summary>
    public Conditions? WriteConditions { get; init; }

    /// <summary>x-amz-tagging (or a POST form's tagging field), unvalidated; null or empty: no tags.</summary>
    public IReadOnlyList<S3Tag>? Tags { get; init; }

    /// <summary>A browser POST upload: exempt from the Content-MD5 or checksum an Object Lock retention otherwise requires.</summary>
    public bool IsFormUpload { get; init; }
}

public sealed record PutObjectResult(string ETag, DateTimeOffset LastModified, EncryptionInfo Encryption, string? ChecksumAlgorithm, string? ChecksumValue)
{
    /// <summary>The new version's id ("null" in a suspended bucket, which S3 leaves out of the response); null in an unversioned bucket.</summary>
    public string? VersionId { get; init; }
}

/// <summary>
/// Object metadata as GET/HEAD report it. <see cref="ETag"/> is unquoted. <see cref="PartsCount"/> is set for
/// multipart objects. The checksum is of the full plaintext and must not be sent on range reads.
/// </summary>
public sealed record ObjectInfo(
    string Bucket,
    string Key,
    long Size,
    string ETag,
    DateTimeOffset LastModified,
    ObjectHeaders Headers,
    EncryptionInfo Encryption,
    int? PartsCount,
    string? ChecksumAlgorithm,
    string? ChecksumValue)
{
    /// <summary>x-amz-tagging-count: how many tags the object has (0: the header is left out).</summary>
    public int TagCount { get; init; }

    /// <summary>FULL_OBJECT or COMPOSITE (x-amz-checksum-type) when there is a checksum.</summary>
    public string? ChecksumType { get; init; }

    /// <summary>x-amz-version-id: set in a versioned (Enabled or Suspended) bucket, "null" for the null version.</summary>
    public string? VersionId { get; init; }

    /// <summary>x-amz-object-lock-mode and -retain-until-date; null without retention.</summary>
    public ObjectRetention? Retention { get; init; }

    /// <summary>x-amz-object-lock-legal-hold: true ON, false OFF, null never set.</summary>
    public bool? LegalHold { get; init; }

    /// <summary>x-amz-restore: an archived object's restore in progress or restored copy; null without one.</summary>
    public RestoreStatus? Restore { get; init; }
}

public sealed record GetObjectRequest(string Bucket, string Key)
{
    /// <summary>The versionId query parameter; null reads the current version.</summary>
    public string? VersionId { get; init; }
    public ByteRangeSpec? Range { get; init; }
    public int? PartNumber { get; init; }
    public Conditions? Conditions { get; init; }
    public CustomerKeyHeaders? CustomerKey { get; init; }
}

/// <summary>GET/HEAD outcome; <see cref="Range"/> is set for a 206.</summary>
public sealed record HeadObjectResult(ObjectInfo Object, long ContentLength, ContentRange? Range)
{
    /// <summary>The parts of a COMPOSITE multipart object, each with its checksum (GetObjectAttributes lists them); null otherwise.</summary>
    public IReadOnlyList<PartInfo>? Parts { get; init; }
}

public sealed record DeleteObjectsEntry(string Key, string? ErrorCode = null, string? ErrorMessage = null)
{
    public bool Deleted => ErrorCode is null;

    /// <summary>The version the request named, echoed as VersionId.</summary>
    public string? VersionId { get; init; }

    /// <summary>True when a delete marker was created, or when the version deleted was one.</summary>
    public bool DeleteMarker { get; init; }

    /// <summary>That marker's version id.</summary>
    public string? DeleteMarkerVersionId { get; init; }
}

/// <summary>One &lt;Object&gt; of DeleteObjects: a key and, optionally, the version to remove permanently.</summary>
public sealed record ObjectIdentifier(string Key, string? VersionId = null);

/// <summary>
/// DeleteObject's outcome: <see cref="VersionId"/> (x-amz-version-id) is the version removed or the marker created,
/// null in an unversioned bucket when no version was named; <see cref="DeleteMarker"/> is x-amz-delete-marker.
/// </summary>
public sealed record DeleteObjectResult(string? VersionId, bool DeleteMarker);

public sealed record CopyObjectRequest(string SourceBucket, string SourceKey, string Bucket, string Key)
{
    /// <summary>x-amz-object-lock-mode, -retain-until-date and -legal-hold (docs/formats/s3-metadata-records.md#object-lock).</summary>
    public ObjectLockHeaders? ObjectLock { get; init; }

    /// <summary>The ?versionId of x-amz-copy-source; null copies the current version.</summary>
    public string? SourceVersionId { get; init; }

    /// <summary>x-amz-checksum-algorithm: the new object's checksum algorithm; null keeps the source's, if it has one.</summary>
    public string? ChecksumAlgorithm { get; init; }

    /// <summary>Conditional write on the destination (If-Match / If-None-Match: *).</summary>
    public Conditions? WriteConditions { get; init; }

    /// <summary>"COPY" (default) or "REPLACE".</summary>
    public string? MetadataDirective { get; init; }

    /// <summary>Whether x-amz-storage-class was sent: S3 then accepts a copy onto itself, even to the same class.</summary>
    public bool StorageClassGiven { get; init; }

    /// <summary>The new headers when the directive is REPLACE.</summary>
    public ObjectHeaders Headers { get; init; } = new();

    /// <summary>Target encryption; absent means the target bucket default (never the source's settings).</summary>
    public SseRequest? Encryption { get; init; }

    public CustomerKeyHeaders? SourceCustomerKey { get; init; }

    /// <summary>x-amz-copy-source-if-* (every failure is 412).</summary>
    public Conditions? SourceConditions { get; init; }

    /// <summary>x-amz-tagging-directive: "COPY" (default: the source's tags) or "REPLACE" (<see cref="Tags"/>).</summary>
    public string? TaggingDirective { get; init; }

    /// <summary>x-amz-tagging, used only with the REPLACE tagging directive.</summary>
    public IReadOnlyList<S3Tag>? Tags { get; init; }
}

public sealed record CopyObjectResult(string ETag, DateTimeOffset LastModified, EncryptionInfo Encryption)
{
    /// <summary>x-amz-version-id of the new object (destination bucket versioned).</summary>
    public string? VersionId { get; init; }

    /// <summary>x-amz-copy-source-version-id: the version copied (source bucket versioned).</summary>
    public string? SourceVersionId { get; init; }

    /// <summary>The new object's checksum (always FULL_OBJECT: a copy is one part), if it has one.</summary>
    public string? ChecksumAlgorithm { get; init; }
    public string? ChecksumValue { get; init; }
}

public sealed record ObjectSummary(string Key, DateTimeOffset LastModified, string ETag, long Size, string StorageClass, string OwnerAccountId)
{
    /// <summary>An archived object's restore (listed with x-amz-optional-object-attributes: RestoreStatus); null without one.</summary>
    public RestoreStatus? Restore { get; init; }

    /// <summary>The object's checksum algorithm and type, listed as S3 lists them; null for an object without one.</summary>
    public string? ChecksumAlgorithm { get; init; }
    public string? ChecksumType { get; init; }
}

/// <summary>ListObjects (v1: <see cref="Marker"/>) and ListObjectsV2 (<see cref="ContinuationToken"/>, <see cref="StartAfter"/>).</summary>
public sealed record ListObjectsRequest(string Bucket)
{
    public string? Prefix { get; init; }
    public string? Delimiter { get; init; }
    public int MaxKeys { get; init; } = 1000;
    public string? Marker { get; init; }
    public string? ContinuationToken { get; init; }
    public string? StartAfter { get; init; }
}

/// <summary><see cref="NextMarker"/> answers v1, <see cref="NextContinuationToken"/> v2; <see cref="KeyCount"/> counts keys and prefixes.</summary>
public sealed record ListObjectsResult(
    IReadOnlyList<ObjectSummary> Contents,
    IReadOnlyList<string> CommonPrefixes,
    bool IsTruncated,
    string? NextMarker,
    string? NextContinuationToken,
    int KeyCount);

public sealed record CreateMultipartUploadRequest(string Bucket, string Key)
{
    /// <summary>x-amz-object-lock-mode, -retain-until-date and -legal-hold (docs/formats/s3-metadata-records.md#object-lock).</summary>
    public ObjectLockHeaders? ObjectLock { get; init; }

    public ObjectHeaders Headers { get; init; } = new();
    public SseRequest? Encryption { get; init; }

    /// <summary>x-amz-tagging, validated now and given to the object at completion.</summary>
    public IReadOnlyList<S3Tag>? Tags { get; init; }

    /// <summary>x-amz-checksum-algorithm (CRC32, CRC32C, CRC64NVME, SHA1, SHA256, SHA512, MD5, XXHASH64, XXHASH3, XXHASH128): every part's checksum must use it.</summary>
    public string? ChecksumAlgorithm { get; init; }

    /// <summary>x-amz-checksum-type (COMPOSITE or FULL_OBJECT); null: S3's default for the algorithm.</summary>
    public string? ChecksumType { get; init; }
}

public sealed record CreateMultipartUploadResult(string Bucket, string Key, string UploadId, EncryptionInfo Encryption)
{
    /// <summary>The upload's checksum type (the request's or the algorithm's default); null without an algorithm.</summary>
    public string? ChecksumType { get; init; }
}

public sealed record UploadPartRequest(string Bucket, string Key, string UploadId, int PartNumber, PipeReader Body)
{
    public CustomerKeyHeaders? CustomerKey { get; init; }
    public string? ContentMd5 { get; init; }
    public ChecksumInput? Checksum { get; init; }
    public long? ContentLength { get; init; }
}

public sealed record UploadPartResult(string ETag, EncryptionInfo Encryption, string? ChecksumAlgorithm, string? ChecksumValue);

public sealed record UploadPartCopyRequest(string Bucket, string Key, string UploadId, int PartNumber, string SourceBucket, string SourceKey)
{
    /// <summary>The ?versionId of x-amz-copy-source; null copies the current version.</summary>
    public string? SourceVersionId { get; init; }

    /// <summary>x-amz-copy-source-range: must be bytes=first-last when given.</summary>
    public ByteRangeSpec? SourceRange { get; init; }
    public CustomerKeyHeaders? CustomerKey { get; init; }
    public CustomerKeyHeaders? SourceCustomerKey { get; init; }
    public Conditions? SourceConditions { get; init; }
}

public sealed record UploadPartCopyResult(string ETag, DateTimeOffset LastModified, EncryptionInfo Encryption)
{
    /// <summary>x-amz-copy-source-version-id: the version copied (source bucket versioned).</summary>
    public string? SourceVersionId { get; init; }

    public string? ChecksumAlgorithm { get; init; }
    public string? ChecksumValue { get; init; }
}

/// <summary>A &lt;Part&gt; of CompleteMultipartUpload; <see cref="Checksum"/> is its Checksum&lt;ALG&gt; element, if any.</summary>
public sealed record CompletedPart(int PartNumber, string ETag)
{
    public ChecksumInput? Checksum { get; init; }
}

public sealed record CompleteMultipartUploadRequest(string Bucket, string Key, string UploadId, IReadOnlyList<CompletedPart> Parts)
{
    public CustomerKeyHeaders? CustomerKey { get; init; }

    /// <summary>Conditional write (If-Match / If-None-Match: *) against the object the upload replaces; a failure leaves the upload open.</summary>
    public Conditions? WriteConditions { get; init; }

    /// <summary>x-amz-checksum-&lt;alg&gt;: the whole object's checksum as the client computed it, compared with S3's.</summary>
    public ChecksumInput? Checksum { get; init; }

    /// <summary>x-amz-checksum-type, which must be the upload's.</summary>
    public string? ChecksumType { get; init; }

    /// <summary>The request had no body at all (S3: "You must specify at least one part"; an empty list is MalformedXML).</summary>
    public bool WithoutBody { get; init; }
}

public sealed record CompleteMultipartUploadResult(string Bucket, string Key, string ETag, EncryptionInfo Encryption)
{
    /// <summary>x-amz-version-id of the new object (bucket versioned).</summary>
    public string? VersionId { get; init; }

    public string? ChecksumAlgorithm { get; init; }
    public string? ChecksumValue { get; init; }
    public string? ChecksumType { get; init; }
}

public sealed record PartInfo(int PartNumber, string ETag, long Size, DateTimeOffset LastModified)
{
    public string? ChecksumValue { get; init; }
}

public sealed record ListPartsResult(
    string Bucket,
    string Key,
    string UploadId,
    IReadOnlyList<PartInfo> Parts,
    bool IsTruncated,
    int? NextPartNumberMarker,
    string OwnerAccountId,
    DateTimeOffset Initiated)
{
    public string? ChecksumAlgorithm { get; init; }
    public string? ChecksumType { get; init; }

    /// <summary>The upload's storage class (CreateMultipartUpload's x-amz-storage-class, STANDARD by default).</summary>
    public string StorageClass { get; init; } = StorageClasses.Standard;
}

public sealed record ListMultipartUploadsRequest(string Bucket)
{
    public string? Prefix { get; init; }
    public string? Delimiter { get; init; }
    public string? KeyMarker { get; init; }
    public string? UploadIdMarker { get; init; }
    public int MaxUploads { get; init; } = 1000;
}

public sealed record UploadInfo(string Key, string UploadId, DateTimeOffset Initiated, string OwnerAccountId)
{
    public string StorageClass { get; init; } = StorageClasses.Standard;
}

public sealed record ListMultipartUploadsResult(IReadOnlyList<UploadInfo> Uploads, bool IsTruncated, string? NextKeyMarker, string? NextUploadIdMarker)
{
    /// <summary>With a delimiter, the key prefixes uploads roll up into, each counted once toward MaxUploads.</summary>
    public IReadOnlyList<string> CommonPrefixes { get; init; } = [];
}

/// <summary>ListObjectVersions: markers as AWS reads them (a version id marker needs a key marker).</summary>
public sealed record ListObjectVersionsRequest(string Bucket)
{
    public string? Prefix { get; init; }
    public string? Delimiter { get; init; }
    public int MaxKeys { get; init; } = 1000;
    public string? KeyMarker { get; init; }
    public string? VersionIdMarker { get; init; }
}

/// <summary>One &lt;Version&gt; or, with <see cref="DeleteMarker"/>, &lt;DeleteMarker&gt; entry.</summary>
public sealed record ObjectVersionSummary(string Key, string VersionId, bool IsLatest, bool DeleteMarker, DateTimeOffset LastModified, string ETag, long Size, string OwnerAccountId)
{
    public string? ChecksumAlgorithm { get; init; }
    public string? ChecksumType { get; init; }
    public string StorageClass { get; init; } = StorageClasses.Standard;

    /// <summary>An archived version's restore, as in <see cref="ObjectSummary.Restore"/>.</summary>
    public RestoreStatus? Restore { get; init; }
}

/// <summary>Versions and markers in key order, newest first within a key; prefixes as ListObjects rolls them up.</summary>
public sealed record ListObjectVersionsResult(
    IReadOnlyList<ObjectVersionSummary> Versions,
    IReadOnlyList<string> CommonPrefixes,
    bool IsTruncated,
    string? NextKeyMarker,
    string? NextVersionIdMarker);

/// <summary>A bucket's default retention (PutObjectLockConfiguration Rule/DefaultRetention): a mode and exactly one of Days or Years.</summary>
public sealed record ObjectLockRule(string Mode, int? Days = null, int? Years = null);

/// <summary>An object version's retention (PutObjectRetention, x-amz-object-lock-mode and -retain-until-date).</summary>
public sealed record ObjectRetention(string Mode, DateTimeOffset RetainUntilDate);

/// <summary>The x-amz-object-lock-* headers of a write, parsed; each null when the request left it out.</summary>
public sealed record ObjectLockHeaders(ObjectRetention? Retention, bool? LegalHold)
{
    public bool IsEmpty => Retention is null && LegalHold is null;
}
