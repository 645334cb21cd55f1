using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SseSim.Core.Aws;
using SseSim.Core.Crypto;
using SseSim.Core.Keys;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Objects.Envelope;
using SseSim.Objects.Sse;
using SseSim.Objects.Storage;

namespace SseSim.Objects;

/// <summary>
/// The S3 domain: buckets, objects and multipart uploads, every body encrypted at rest in an envelope
/// (docs/formats/object-envelope.md). No HTTP types: the server parses headers into the request records, calls these
/// methods with the authenticated <see cref="Caller"/> and renders results or <see cref="S3Exception"/>s.
/// </summary>
/// <remarks>
/// Metadata goes through <see cref="IKeyValueStore"/> (a write is the commit point: an object becomes visible only once
/// its durable body is referenced by a durable record); bodies go through <see cref="IObjectBodyStore"/>. The SSE-S3
/// master key is supplied by the host (derived or unsealed from its root key) and never persisted here.
/// </remarks>
public sealed partial class ObjectStore : IDisposable
{
    public const string MetadataTableName = "s3";

    /// <summary>Table keys of object records start with this ("obj/&lt;bucket&gt;/&lt;key&gt;"); a shared remote index mirrors them.</summary>
    public const string ObjectRecordPrefix = "obj/";

    /// <summary>Table keys of noncurrent object versions start with this (docs/formats/s3-metadata-records.md#versioning); a shared remote index mirrors them too.</summary>
    public const string VersionRecordPrefix = Records.VersionPrefixRoot;
    private const string DefaultKmsKey = "alias/aws/s3";

    private readonly IKeyValueStore _meta;
    private readonly IObjectBodyStore _bodies;
    private readonly IDataKeyService _kms;
    private readonly SecretBytes _masterKey;
    private readonly TimeProvider _time;
    private readonly ObjectStoreOptions _options;
    private readonly BucketKeyCache _bucketKeys;
    private readonly bool _inlineBodies;

    // Serialises read-modify-write of metadata (overwrite, complete, delete) so replaced bodies are always found and
    // freed; body streaming happens outside it.
    private readonly SemaphoreSlim _metaLock = new(1, 1);

    /// <param name="s3MasterKey">32-byte S3-owned master key wrapping SSE-S3 data keys; copied, the caller keeps ownership of its instance.</param>
    public ObjectStore(
        IKeyValueStore metadata,
        IObjectBodyStore bodies,
        IDataKeyService dataKeys,
        SecretBytes s3MasterKey,
        TimeProvider? timeProvider = null,
        ObjectStoreOptions? options = null)
        : this(metadata, bodies, dataKeys, s3MasterKey, timeProvider, options, inlineBodies: false)
    {
    }

    /// <param name="inlineBodies">Small bodies may live in <paramref name="metadata"/> (embedded backend only: a remote index mirrors records, not bodies).</param>
    private ObjectStore(
        IKeyValueStore metadata,
        IObjectBodyStore bodies,
        IDataKeyService dataKeys,
        SecretBytes s3MasterKey,
        TimeProvider? timeProvider,
        ObjectStoreOptions? options,
        bool inlineBodies)
    {
        if (s3MasterKey.Length != 32)
        {
            throw new ArgumentException("the S3 master key must be 32 bytes", nameof(s3MasterKey));
        }
        _meta = metadata;
        _bodies = bodies;
        _kms = dataKeys;
        _masterKey = s3MasterKey.Clone();
        _time = timeProvider ?? TimeProvider.System;
        _options = options ?? new ObjectStoreOptions();
        SegmentLayout.ValidateSegmentSize(_options.SegmentSize);
        _bucketKeys = new BucketKeyCache(_time, _options.BucketKeyLifetime);
        Metrics = new ObjectMetrics(_options.Meters, () => _bucketKeys.Count);
        _inlineBodies = inlineBodies && _options.InlineBodyMaxBytes > 0;
        if (_inlineBodies)
        {
            CountInlineBodies();
        }
    }

    internal ObjectMetrics Metrics { get; }

    /// <summary>The embedded default: metadata in the provider's "s3" table, bodies under &lt;dataDirectory&gt;/objects.</summary>
    /// <param name="decorateBodies">Wraps the body store (fault injection), keeping every other embedded behaviour.</param>
    public static ObjectStore Create(
        IStorageProvider storage,
        string dataDirectory,
        IDataKeyService dataKeys,
        SecretBytes s3MasterKey,
        TimeProvider? timeProvider = null,
        ObjectStoreOptions? options = null,
        Func<IObjectBodyStore, IObjectBodyStore>? decorateBodies = null)
    {
        IObjectBodyStore bodies = new FileObjectBodyStore(Path.Combine(dataDirectory, "objects"));
        return new(storage.OpenTable(MetadataTableName), decorateBodies?.Invoke(bodies) ?? bodies, dataKeys, s3MasterKey, timeProvider, options, inlineBodies: true);
    }

    /// <summary>
    /// Startup recovery: deletes leftovers of interrupted PUTs (temp files, bodies no record references).
    /// Call before serving requests. Returns the number of files (and inline bodies) removed.
    /// </summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken = default)
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, value) in _meta.Scan("obj/").Concat(_meta.Scan(Records.VersionPrefixRoot)))
        {
            foreach (var p in Records.Deserialize<ObjectRecord>(value).Parts)
            {
                live.Add(p.BodyId);
            }
        }
        foreach (var (_, value) in _meta.Scan("part/"))
        {
            live.Add(Records.Deserialize<PartRecord>(value).BodyId);
        }
        live.UnionWith(SystemBlobBodies());
        var removed = _inlineBodies ? await RecoverInlineBodiesAsync(live, cancellationToken).ConfigureAwait(false) : 0;
        return removed + await _bodies.CleanupAsync(live.Contains, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _bucketKeys.Dispose();
        _masterKey.Dispose();
        _metaLock.Dispose();
    }

    private static string ObjectArn(string bucket, string key) => $"arn:aws:s3:::{bucket}/{key}";

    /// <summary>A general purpose bucket's ARN (no Region or account in it).</summary>
    public static string BucketArn(string bucket) => $"arn:aws:s3:::{bucket}";

    // A caller that already is a service (CloudTrail writing its log files) keeps its name: KMS logs it as the invoker.
    private static Caller ViaS3(Caller caller) => caller.ViaService is not null ? caller : caller.Via($"s3.{caller.Region}.amazonaws.com");

    private static async Task<T> CallKmsAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (KeyServiceException e)
        {
            throw S3Exception.FromKeyService(e);
        }
    }

    // ---- encryption planning -------------------------------------------------------------------------------------

    private sealed class EncryptionPlan : IDisposable
    {
        public SseMode Mode { get; init; }
        public string? KmsKeyId { get; init; }
        public bool BucketKey { get; init; }
        public Dictionary<string, string>? ClientContext { get; init; }
        public string? ClientContextHeader { get; init; }
        public SecretBytes? CustomerKey { get; init; }
        public string? CustomerKeyMd5 { get; init; }

        public void Dispose() => CustomerKey?.Dispose();
    }

    /// <summary>Request headers first, then the bucket default, then SSE-S3 (reference/s3.md §1.2–§1.4). Never the source object's settings.</summary>
    private static EncryptionPlan ResolvePlan(BucketRecord bucket, SseRequest? sse)
    {
        var sseHeader = sse?.ServerSideEncryption;
        if (CustomerKey.IsPresent(sse?.CustomerKey))
        {
            if (sseHeader is not null || sse!.KmsKeyId is not null)
            {
                throw S3Exception.InvalidArgument("Server Side Encryption with Customer provided key is incompatible with the encryption method specified", "x-amz-server-side-encryption", sseHeader);
            }
            if (bucket.Encryption?.BlockedEncryptionTypes?.Contains("SSE-C") == true)
            {
                throw new S3Exception(S3ErrorCode.AccessDenied, "Requests specifying Server Side Encryption with Customer provided keys are blocked for this bucket.");
            }
            var key = CustomerKey.Parse(sse.CustomerKey!);
            return new EncryptionPlan { Mode = SseMode.SseC, CustomerKey = key, CustomerKeyMd5 = sse.CustomerKey!.KeyMd5 };
        }
        if (sseHeader is null && (sse?.KmsKeyId is not null || sse?.EncryptionContext is not null))
        {
            throw S3Exception.InvalidArgument("Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms", "x-amz-server-side-encryption-aws-kms-key-id", sse.KmsKeyId);
        }
        switch (sseHeader)
        {
            case "AES256":
                if (sse!.KmsKeyId is not null || sse.EncryptionContext is not null)
                {
                    throw S3Exception.InvalidArgument("Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms", "x-amz-server-side-encryption", sseHeader);
                }
                return new EncryptionPlan { Mode = SseMode.SseS3 };
            case "aws:kms":
                var rule = bucket.Encryption;
                return new EncryptionPlan
                {
                    Mode = SseMode.SseKms,
                    KmsKeyId = string.IsNullOrEmpty(sse!.KmsKeyId) ? DefaultKmsKey : sse.KmsKeyId,
                    BucketKey = sse.BucketKeyEnabled ?? (rule?.SseAlgorithm == "aws:kms" && rule.BucketKeyEnabled),
                    ClientContext = ParseContext(sse.EncryptionContext),
                    ClientContextHeader = sse.EncryptionContext,
                };
            case "aws:kms:dsse":
                // S3 Bucket Keys aren't supported for DSSE-KMS (S3 User Guide): a bucket-key flag is accepted and not applied.
                return new EncryptionPlan
                {
                    Mode = SseMode.DsseKms,
                    KmsKeyId = string.IsNullOrEmpty(sse!.KmsKeyId) ? DefaultKmsKey : sse.KmsKeyId,
                    ClientContext = ParseContext(sse.EncryptionContext),
                    ClientContextHeader = sse.EncryptionContext,
                };
            case null:
                break;
            default:
                throw S3Exception.InvalidArgument("The encryption method specified is not supported", "x-amz-server-side-encryption", sseHeader);
        }
        var defaults = bucket.Encryption;
        if (defaults?.SseAlgorithm == "aws:kms")
        {
            return new EncryptionPlan
            {
                Mode = SseMode.SseKms,
                KmsKeyId = defaults.KmsMasterKeyId ?? DefaultKmsKey,
                BucketKey = sse?.BucketKeyEnabled ?? defaults.BucketKeyEnabled,
            };
        }
        if (defaults?.SseAlgorithm == "aws:kms:dsse")
        {
            return new EncryptionPlan { Mode = SseMode.DsseKms, KmsKeyId = defaults.KmsMasterKeyId ?? DefaultKmsKey };
        }
        return new EncryptionPlan { Mode = SseMode.SseS3 };
    }

    private static Dictionary<string, string>? ParseContext(string? header)
    {
        if (header is null)
        {
            return null;
        }
        try
        {
            var json = Encoding.UTF8.GetString(Convert.FromBase64String(header));
            return JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? throw new JsonException("null");
        }
        catch (Exception e) when (e is FormatException or JsonException or DecoderFallbackException)
        {
            throw S3Exception.InvalidArgument(
                "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON which represents a string-string map",
                "x-amz-server-side-encryption-context", header);
        }
    }

    private static Dictionary<string, string> KmsContext(Dictionary<string, string>? client, string arn)
    {
        var ctx = client is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(client, StringComparer.Ordinal);
        if (ctx.TryGetValue("aws:s3:arn", out var given) && given != arn)
        {
            throw S3Exception.InvalidArgument("The encryption context aws:s3:arn must be the ARN of the bucket or object.", "x-amz-server-side-encryption-context");
        }
        ctx["aws:s3:arn"] = arn;
        return ctx;
    }

    // ---- data keys ----------------------------------------------------------------------------------------------

    /// <summary>A fresh data key for a new object or upload, plus what metadata keeps of it.</summary>
    private async Task<(EncryptionRecord Record, SecretBytes DataKey)> CreateDataKeyAsync(
        Caller caller, EncryptionPlan plan, string bucket, string key, string bindingId, CancellationToken cancellationToken)
    {
        var binding = new EnvelopeBinding(bucket, key, bindingId, 0);
        switch (plan.Mode)
        {
            case SseMode.SseS3:
                {
                    var dk = SecretBytes.Random(32);
                    ObjectTrace.KeyInMemory(new EncryptionRecord { Mode = SseMode.SseS3 });
                    return (new EncryptionRecord { Mode = SseMode.SseS3, WrappedKey = SseS3KeyWrap.Wrap(_masterKey, dk, binding) }, dk);
                }
            case SseMode.SseC:
                {
                    var (salt, hmac) = CustomerKey.Seal(plan.CustomerKey!);
                    return (new EncryptionRecord { Mode = SseMode.SseC, CustomerKeySalt = salt, CustomerKeyHmac = hmac }, plan.CustomerKey!.Clone());
                }
            default:
                break;
        }
        RequireSigV4ForKms(caller);
        var via = ViaS3(caller);
        if (!plan.BucketKey)
        {
            var ctx = KmsContext(plan.ClientContext, ObjectArn(bucket, key));
            var dataKey = await CallKmsAsync(() => _kms.GenerateDataKeyAsync(via, plan.KmsKeyId!, EncryptionContext.From(ctx), 32, cancellationToken)).ConfigureAwait(false);
            var record = new EncryptionRecord
            {
                Mode = plan.Mode,
                WrappedKey = dataKey.CiphertextBlob,
                KmsKeyArn = dataKey.KeyArn,
                KmsContext = ctx,
                ClientContext = plan.ClientContextHeader,
            };
            if (plan.Mode == SseMode.DsseKms)
            {
                // docs/formats/object-envelope.md#dual-layer-keys: the second layer's key is S3's own, under the master key.
                using var outer = SecretBytes.Random(32);
                record.OuterWrappedKey = SseS3KeyWrap.Wrap(_masterKey, outer, binding, outerLayer: true);
                ObjectTrace.KeyInMemory(record);
                using (dataKey.Plaintext)
                {
                    return (record, DualLayerKey(dataKey.Plaintext, outer));
                }
            }
            ObjectTrace.KeyInMemory(record);
            return (record, dataKey.Plaintext);
        }

        var bucketCtx = KmsContext(plan.ClientContext, BucketArn(bucket));
        var requester = caller.Identity.Arn;
        var scope = BucketKeyCache.EncryptScope(bucket, plan.KmsKeyId!, requester, EncryptionContext.From(bucketCtx).Canonicalize());
        var cached = _bucketKeys.TryGetForEncrypt(scope, out var bucketKey, out var wrapped, out var keyArn);
        IDisposable? fill = null;
        if (!cached && _bucketKeys.JoinOrBeginFill(scope, out fill) is { } running)
        {
            await running.WaitAsync(cancellationToken).ConfigureAwait(false);
            cached = _bucketKeys.TryGetForEncrypt(scope, out bucketKey, out wrapped, out keyArn);
        }
        Metrics.RecordBucketKey("encrypt", cached);
        if (cached)
        {
            ObjectTrace.Step("bucket-key:cache-hit", "S3 Bucket Key found in the front end's cache: KMS GenerateDataKey skipped",
                new Dictionary<string, string>(StringComparer.Ordinal) { ["keyArn"] = keyArn });
        }
        else
        {
            using var filling = fill;
            using var generated = await CallKmsAsync(() => _kms.GenerateDataKeyAsync(via, plan.KmsKeyId!, EncryptionContext.From(bucketCtx), 32, cancellationToken)).ConfigureAwait(false);
            _bucketKeys.AddGenerated(scope, BucketKeyCache.DecryptScope(requester, generated.CiphertextBlob), generated.Plaintext, generated.CiphertextBlob, generated.KeyArn);
            bucketKey = generated.Plaintext.Clone();
            wrapped = generated.CiphertextBlob;
            keyArn = generated.KeyArn;
        }
        using (bucketKey)
        {
            var salt = RandomNumberGenerator.GetBytes(32);
            var record = new EncryptionRecord
            {
                Mode = SseMode.SseKms,
                WrappedKey = wrapped,
                KmsKeyArn = keyArn,
                KmsContext = bucketCtx,
                ClientContext = plan.ClientContextHeader,
                BucketKey = true,
                BucketKeySalt = salt,
            };
            ObjectTrace.KeyInMemory(record);
            return (record, DeriveFromBucketKey(bucketKey, salt, binding));
        }
    }

    /// <summary>The 64-byte key a dual-layer envelope takes: inner ‖ outer (docs/formats/object-envelope.md#dual-layer-keys).</summary>
    private static SecretBytes DualLayerKey(SecretBytes inner, SecretBytes outer)
    {
        var key = new SecretBytes(EnvelopeFormat.DualLayerKeyLength);
        inner.UnsafeExpose().CopyTo(key.UnsafeExposeWritable());
        outer.UnsafeExpose().CopyTo(key.UnsafeExposeWritable()[EnvelopeFormat.KeyLength..]);
        return key;
    }

    // docs/formats/object-envelope.md#keys (SSE-KMS + Bucket Key row)
    private static SecretBytes DeriveFromBucketKey(SecretBytes bucketKey, byte[] salt, EnvelopeBinding binding)
    {
        var dk = new SecretBytes(32);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, bucketKey.UnsafeExpose(), dk.UnsafeExposeWritable(), salt, binding.BuildInfo("SseSim/bucket-key/v1"u8, null, appendPart: false));
        return dk;
    }

    // S3 uses KMS only for SigV4 requests: a SigV2 presigned URL (what boto3's and the aws CLI v1's presign make by
    // default) for an SSE-KMS object fails before any KMS call, a classic AWS surprise worth reproducing. SigV2 POST
    // policies are not refused: AWS's answer there is not recorded, and s3-tests expects them to work.
    private static void RequireSigV4ForKms(Caller caller)
    {
        if (caller.SignatureV2)
        {
            throw S3Exception.InvalidArgument("Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.", "Authorization", "null");
        }
    }

    /// <summary>Recovers an existing object's or upload's data key: one KMS Decrypt for SSE-KMS unless a Bucket Key is cached.</summary>
    private async Task<SecretBytes> OpenDataKeyAsync(
        Caller caller, EncryptionRecord record, string bucket, string key, string bindingId, CustomerKeyHeaders? customer, CancellationToken cancellationToken)
    {
        var binding = new EnvelopeBinding(bucket, key, bindingId, 0);
        if (record.Mode != SseMode.SseC && CustomerKey.IsPresent(customer))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "The encryption parameters are not applicable to this object.");
        }
        switch (record.Mode)
        {
            case SseMode.SseS3:
                ObjectTrace.KeyInMemory(record);
                return SseS3KeyWrap.Unwrap(_masterKey, record.WrappedKey!, binding);
            case SseMode.SseC:
                ObjectTrace.KeyInMemory(record);
                return CheckCustomerKey(record, customer);
            default:
                break;
        }
        RequireSigV4ForKms(caller);
        var via = ViaS3(caller);
        var ctx = EncryptionContext.From(record.KmsContext);
        if (record.Mode == SseMode.DsseKms)
        {
            using var inner = await CallKmsAsync(() => _kms.DecryptAsync(via, record.WrappedKey!, ctx, null, null, cancellationToken)).ConfigureAwait(false);
            using var outer = SseS3KeyWrap.Unwrap(_masterKey, record.OuterWrappedKey ?? throw new S3Exception(S3ErrorCode.InternalError, "stored DSSE-KMS key is malformed"), binding, outerLayer: true);
            ObjectTrace.KeyInMemory(record);
            return DualLayerKey(inner, outer);
        }
        if (!record.BucketKey)
        {
            var plain = await CallKmsAsync(() => _kms.DecryptAsync(via, record.WrappedKey!, ctx, null, null, cancellationToken)).ConfigureAwait(false);
            ObjectTrace.KeyInMemory(record);
            return UnwrapUpdated(record, plain, binding);
        }
        var scope = BucketKeyCache.DecryptScope(caller.Identity.Arn, record.WrappedKey!);
        var cached = _bucketKeys.TryGetForDecrypt(scope, out var bucketKey);
        IDisposable? fill = null;
        if (!cached && _bucketKeys.JoinOrBeginFill(scope, out fill) is { } running)
        {
            await running.WaitAsync(cancellationToken).ConfigureAwait(false);
            cached = _bucketKeys.TryGetForDecrypt(scope, out bucketKey);
        }
        Metrics.RecordBucketKey("decrypt", cached);
        if (cached)
        {
            ObjectTrace.Step("bucket-key:cache-hit", "S3 Bucket Key found in the front end's cache: KMS Decrypt skipped",
                new Dictionary<string, string>(StringComparer.Ordinal) { ["keyArn"] = record.KmsKeyArn! });
        }
        else
        {
            using var filling = fill;
            bucketKey = await CallKmsAsync(() => _kms.DecryptAsync(via, record.WrappedKey!, ctx, null, null, cancellationToken)).ConfigureAwait(false);
            _bucketKeys.AddDecrypted(scope, bucketKey, record.WrappedKey!, record.KmsKeyArn!);
        }
        using (bucketKey)
        {
            ObjectTrace.KeyInMemory(record);
            return UnwrapUpdated(record, DeriveFromBucketKey(bucketKey, record.BucketKeySalt!, binding), binding);
        }
    }

    // After UpdateObjectEncryption the KMS-protected key only wraps the object's original data key.
    private static SecretBytes UnwrapUpdated(EncryptionRecord record, SecretBytes key, EnvelopeBinding binding)
    {
        if (record.WrappedDataKey is null)
        {
            return key;
        }
        using (key)
        {
            return SseS3KeyWrap.Unwrap(key, record.WrappedDataKey, binding);
        }
    }

    private static SecretBytes CheckCustomerKey(EncryptionRecord record, CustomerKeyHeaders? customer)
    {
        if (!CustomerKey.IsPresent(customer))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.");
        }
        var key = CustomerKey.Parse(customer!);
        if (!CustomerKey.Matches(key, record.CustomerKeySalt!, record.CustomerKeyHmac!))
        {
            key.Dispose();
            throw new S3Exception(S3ErrorCode.AccessDenied, "Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.");
        }
        return key;
    }

    private static EncryptionInfo Describe(EncryptionRecord record, CustomerKeyHeaders? customer, bool echoContext) => record.Mode switch
    {
        SseMode.SseS3 => new EncryptionInfo("AES256"),
        SseMode.SseKms => new EncryptionInfo("aws:kms", record.KmsKeyArn, record.BucketKey, EncryptionContext: echoContext ? record.ClientContext : null),
        SseMode.DsseKms => new EncryptionInfo("aws:kms:dsse", record.KmsKeyArn, false, EncryptionContext: echoContext ? record.ClientContext : null),
        _ => new EncryptionInfo(null, CustomerAlgorithm: "AES256", CustomerKeyMd5: customer?.KeyMd5),
    };

    // ---- body writing -------------------------------------------------------------------------------------------

    /// <param name="Inline">The envelope when it is to be committed inline with the record (<see cref="BodyId"/> is then an inline id).</param>
    private sealed record WrittenBody(string BodyId, long Size, string ETag, string? ChecksumAlgorithm, string? ChecksumValue, byte[]? Inline = null)
    {
        /// <summary>The checksum computed beside <see cref="ChecksumAlgorithm"/>'s (WriteBodyAsync's extraAlgorithm), if any.</summary>
        public (string Algorithm, string Value)? Extra { get; init; }

        /// <summary>The body's checksum in <paramref name="algorithm"/>, if one was computed in it.</summary>
        public string? ChecksumIn(string algorithm) =>
            ChecksumAlgorithm == algorithm ? ChecksumValue : Extra is { } extra && extra.Algorithm == algorithm ? extra.Value : null;
    }

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> into a new durable body. Verifies Content-MD5, checksum and declared length
    /// before committing; on any failure nothing is left behind. ETag = plaintext MD5 for SSE-S3, else the MD5 of the
    /// envelope header and segment tags (reference/s3.md §1.5, docs/formats/object-envelope.md#etag). With <paramref name="allowInline"/> a small body is only buffered: the
    /// caller commits <see cref="WrittenBody.Inline"/> with the record (docs/formats/object-envelope.md#inline-bodies).
    /// </summary>
    /// <param name="extraAlgorithm">A second checksum to compute (into <see cref="WrittenBody.Extra"/>) when it is not <paramref name="checksum"/>'s algorithm.</param>
    private async Task<WrittenBody> WriteBodyAsync(
        PipeReader plaintext,
        SecretBytes dataKey,
        EnvelopeBinding binding,
        EncryptionRecord encryption,
        bool etagIsPlaintextMd5,
        long maxSize,
        string? contentMd5,
        ChecksumInput? checksum,
        string? extraAlgorithm,
        long? declaredLength,
        bool allowInline,
        CancellationToken cancellationToken)
    {
        byte[]? expectedMd5 = null;
        if (contentMd5 is not null)
        {
            expectedMd5 = new byte[16];
            if (!Convert.TryFromBase64String(contentMd5, expectedMd5, out var n) || n != 16)
            {
                await plaintext.CompleteAsync().ConfigureAwait(false);
                throw new S3Exception(S3ErrorCode.InvalidDigest, "The Content-MD5 you specified was invalid.").With("Content-MD5", contentMd5);
            }
        }
        if (declaredLength > maxSize)
        {
            await plaintext.CompleteAsync().ConfigureAwait(false);
            throw new S3Exception(S3ErrorCode.EntityTooLarge, "Your proposed upload exceeds the maximum allowed size");
        }
        // MD5 is slower than AES-GCM here: hash the plaintext only when the ETag or a Content-MD5 needs it.
        using var plainMd5 = etagIsPlaintextMd5 || expectedMd5 is not null ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
        using var tagDigest = etagIsPlaintextMd5 ? null : IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        ChecksumCalculator? sum = null;
        ChecksumCalculator? extra = null;
        try
        {
            sum = checksum is null ? null : new ChecksumCalculator(checksum.Algorithm);
            extra = extraAlgorithm is null || extraAlgorithm == sum?.Algorithm ? null : new ChecksumCalculator(extraAlgorithm);
        }
        catch
        {
            sum?.Dispose();
            await plaintext.CompleteAsync().ConfigureAwait(false);
            throw;
        }
        using (sum)
        using (extra)
        {
            long seen = 0;
            var headerSeen = false;
            var options = new EnvelopeWriteOptions
            {
                SegmentSize = _options.SegmentSize,
                PlaintextObserver = data =>
                {
                    seen += data.Length;
                    if (seen > maxSize)
                    {
                        throw new S3Exception(S3ErrorCode.EntityTooLarge, "Your proposed upload exceeds the maximum allowed size");
                    }
                    plainMd5?.AppendData(data);
                    sum?.Append(data);
                    extra?.Append(data);
                },
                // docs/formats/object-envelope.md#etag: the header, then only each segment's tag (16 bytes per segment
                // instead of MD5 over every ciphertext byte, which was slower than the encryption itself).
                CiphertextObserver = tagDigest is null ? null : data =>
                {
                    tagDigest.AppendData(headerSeen ? data[^EnvelopeFormat.TagLength..] : data);
                    headerSeen = true;
                },
            };
            var inline = InlineCapacity(allowInline, declaredLength, EnvelopeFormat.SegmentOverhead(EnvelopeFormat.AlgorithmForKey(dataKey.Length))) is { } capacity ? new Storage.InlineBodyBuffer(capacity) : null;
            await using var pending = inline is null ? await _bodies.CreateAsync(cancellationToken).ConfigureAwait(false) : null;
            pending?.Describe(BodyMetadata.For(encryption, binding));
            var result = inline is not null
                ? await EnvelopeWriter.EncryptAsync(plaintext, inline, dataKey, binding, options, cancellationToken).ConfigureAwait(false)
                : await Storage.WriteBehind.RunAsync(pending!.Content,
                    sink => EnvelopeWriter.EncryptAsync(plaintext, sink, dataKey, binding, options, cancellationToken), cancellationToken).ConfigureAwait(false);
            Metrics.RecordEncrypted(result.PlaintextLength);
            if (declaredLength.HasValue && declaredLength.Value != result.PlaintextLength)
            {
                throw S3Exception.IncompleteBody();
            }
            var md5 = plainMd5?.GetHashAndReset();
            if (expectedMd5 is not null && !md5.AsSpan().SequenceEqual(expectedMd5))
            {
                throw new S3Exception(S3ErrorCode.BadDigest, "The Content-MD5 you specified did not match what we received.");
            }
            var checksumValue = sum?.GetBase64();
            if (checksum?.Value is not null && checksum.Value != checksumValue)
            {
                throw new S3Exception(S3ErrorCode.BadDigest, $"The {sum!.Algorithm} you specified did not match the calculated checksum.");
            }
            var etag = Convert.ToHexStringLower(tagDigest is null ? md5! : tagDigest.GetHashAndReset());
            var envelope = inline is null ? null : inline.Complete() ?? throw S3Exception.IncompleteBody();
            var bodyId = envelope is not null ? NewInlineBodyId() : await pending!.CommitAsync(cancellationToken).ConfigureAwait(false);
            ObjectTrace.Segments("encrypt", result.PlaintextLength, SegmentLayout.SegmentCount(result.PlaintextLength, _options.SegmentSize), _options.SegmentSize);
            return new WrittenBody(bodyId, result.PlaintextLength, etag, sum?.Algorithm, checksumValue, envelope)
            {
                Extra = extra is null ? null : (extra.Algorithm, extra.GetBase64()),
            };
        }
    }

    private async Task DeleteBodiesQuietlyAsync(IEnumerable<string> bodyIds)
    {
        var ids = bodyIds.ToList();
        var inline = InlineDeletes(ids);
        if (inline.Count > 0)
        {
            try
            {
                await _meta.ApplyAsync(inline).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // Left in the table until the next startup's RecoverAsync.
            }
        }
        foreach (var id in ids.Where(id => !IsInline(id)))
        {
            try
            {
                await _bodies.DeleteAsync(id).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // An orphan is harmless: it is unreadable without metadata and RecoverAsync removes it.
            }
        }
    }

    private async Task<T> WithMetadataLockAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        await _metaLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await action().ConfigureAwait(false);
        }
        finally
        {
            _metaLock.Release();
        }
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
