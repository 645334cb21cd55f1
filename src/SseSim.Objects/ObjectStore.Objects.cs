using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using SseSim.Core.Aws;
using SseSim.Core.Secrets;
using SseSim.Core.Storage;
using SseSim.Objects.Envelope;

namespace SseSim.Objects;

public sealed partial class ObjectStore
{
    /// <summary>The checksum S3 gives an object uploaded without one (docs/formats/s3-metadata-records.md#default-checksum).</summary>
    private const string DefaultChecksumAlgorithm = "CRC64NVME";

    /// <summary>
    /// Streams <see cref="PutObjectRequest.Body"/> into a new encrypted object (the body reader is always completed).
    /// Returns only once body and metadata are durable; a failed or interrupted PUT leaves no visible object.
    /// </summary>
    public async Task<PutObjectResult> PutObjectAsync(Caller caller, PutObjectRequest request, CancellationToken cancellationToken = default)
    {
        try
        {
            var bucket = LoadBucket(request.Bucket, caller);
            ValidateKey(request.Key);
            var tags = TagRules.ForObject(request.Tags);
            CheckObjectLockWrite(bucket, request.ObjectLock, request.IsFormUpload || request.ContentMd5 is not null || request.Checksum is not null);
            // Checked again at commit, under the metadata lock; failing here first spares reading the body. Without
            // conditions there is nothing to check, so the current record is not deserialized for it.
            if (request.WriteConditions is not null)
            {
                Preconditions.EvaluateWrite(request.WriteConditions, request.Key, Live(FindRecord(request.Bucket, request.Key)));
            }
            ObjectTrace.Request(caller, "PutObject", request.Bucket, request.Key);
            using var plan = ResolvePlan(bucket, request.Encryption);
            var instanceId = NewId();
            var (encryption, dataKey) = await CreateDataKeyAsync(caller, plan, request.Bucket, request.Key, instanceId, cancellationToken).ConfigureAwait(false);
            WrittenBody body;
            using (dataKey)
            {
                // Without a client checksum S3 computes its default one (docs/formats/s3-metadata-records.md#default-checksum).
                body = await WriteBodyAsync(request.Body, dataKey, new EnvelopeBinding(request.Bucket, request.Key, instanceId, 0), encryption,
                    plan.Mode == SseMode.SseS3, _options.MaxObjectSize, request.ContentMd5, request.Checksum ?? new ChecksumInput(DefaultChecksumAlgorithm), null,
                    request.ContentLength, allowInline: true, cancellationToken).ConfigureAwait(false);
            }
            ObjectTrace.KeyZeroed();
            var record = new ObjectRecord
            {
                Key = request.Key,
                Size = body.Size,
                ETag = body.ETag,
                LastModified = _time.GetUtcNow(),
                Headers = request.Headers,
                Encryption = encryption,
                InstanceId = instanceId,
                Parts = [new PartRecord { PartNumber = 0, BodyId = body.BodyId, Size = body.Size, ETag = body.ETag, LastModified = _time.GetUtcNow() }],
                ChecksumAlgorithm = body.ChecksumAlgorithm,
                ChecksumValue = body.ChecksumValue,
                Owner = caller.AccountId,
                Tags = tags,
            };
            SetObjectLock(record, request.ObjectLock);
            var version = await CommitObjectAsync(request.Bucket, record, [], cancellationToken, body.Inline, request.WriteConditions).ConfigureAwait(false);
            ObjectTrace.Step("s3:committed", "object metadata (wrapped key, context, body id) committed durably");
            return new PutObjectResult(record.ETag, record.LastModified, Describe(encryption, request.Encryption?.CustomerKey, echoContext: true), body.ChecksumAlgorithm, body.ChecksumValue)
            {
                VersionId = version,
            };
        }
        finally
        {
            await request.Body.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Conditionals (304/412), range (416), SSE-C key check (400/403) and one KMS Decrypt happen here, before any body byte.</summary>
    public async Task<GetObjectResult> GetObjectAsync(Caller caller, GetObjectRequest request, CancellationToken cancellationToken = default)
    {
        var (record, info, offset, length, range) = Prepare(caller, request, "GET");
        RequireReadable(record);
        ObjectTrace.Request(caller, "GetObject", request.Bucket, request.Key);
        var dataKey = await OpenDataKeyAsync(caller, record.Encryption, request.Bucket, record.Key, record.InstanceId, request.CustomerKey, cancellationToken).ConfigureAwait(false);
        return new GetObjectResult(this, record, info with { Encryption = Describe(record.Encryption, request.CustomerKey, false) }, dataKey, offset, length, range);
    }

    /// <summary>Like GET without the body; needs no KMS call, but an SSE-C object still requires the right key.</summary>
    public Task<HeadObjectResult> HeadObjectAsync(Caller caller, GetObjectRequest request, CancellationToken cancellationToken = default) =>
        Head(caller, request, "HEAD");

    /// <summary>HEAD's answer for GetObjectAttributes, a GET: a delete marker named by id fails with Method GET.</summary>
    public Task<HeadObjectResult> GetObjectAttributesAsync(Caller caller, GetObjectRequest request, CancellationToken cancellationToken = default) =>
        Head(caller, request, "GET");

    private Task<HeadObjectResult> Head(Caller caller, GetObjectRequest request, string method)
    {
        var (record, info, _, length, range) = Prepare(caller, request, method);
        if (record.Encryption.Mode == SseMode.SseC)
        {
            CheckCustomerKey(record.Encryption, request.CustomerKey).Dispose();
        }
        else if (Sse.CustomerKey.IsPresent(request.CustomerKey))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "The encryption parameters are not applicable to this object.");
        }
        return Task.FromResult(new HeadObjectResult(info with { Encryption = Describe(record.Encryption, request.CustomerKey, false) }, length, range)
        {
            // S3 lists an object's parts only where they have checksums of their own: COMPOSITE uploads.
            Parts = record.Multipart && ChecksumTypeOf(record) == Sse.MultipartChecksum.Composite && record.Parts.All(p => p.ChecksumValue is not null)
                ? record.Parts.Select(p => new PartInfo(p.PartNumber, p.ETag, p.Size, p.LastModified) { ChecksumValue = p.ChecksumValue }).ToList()
                : null,
        });
    }

    /// <summary>The account owning an existing object: with ACLs disabled (S3's BucketOwnerEnforced default) the bucket owner.</summary>
    /// <param name="forPut">PutObjectAcl: a delete marker, named or current, is 405 MethodNotAllowed for PUT (a GET of the
    /// current one is NoSuchKey), as recorded from AWS.</param>
    public Task<string> GetObjectOwnerAsync(Caller caller, string bucket, string key, CancellationToken cancellationToken = default, string? versionId = null,
        bool forPut = false)
    {
        if (forPut)
        {
            FindTaggable(caller, bucket, key, versionId, "PUT", currentMarkerIsResource: true);
        }
        else
        {
            LoadObject(caller, bucket, key, versionId);
        }
        return Task.FromResult(LoadBucket(bucket, caller).Owner);
    }

    /// <summary>
    /// Idempotent: deleting a missing key (or a version S3 issued that no longer exists) succeeds; NoSuchBucket still fails. In a
    /// versioned bucket a delete without <paramref name="versionId"/> adds a delete marker; with one it removes that
    /// version for good (docs/formats/s3-metadata-records.md#versioning).
    /// </summary>
    /// <param name="ifMatch">Conditional delete (If-Match: an ETag or "*"): 412 on another ETag, 404 when there is no object.</param>
    /// <param name="bypassGovernance">x-amz-bypass-governance-retention: a GOVERNANCE retention does not stop the delete.</param>
    public async Task<DeleteObjectResult> DeleteObjectAsync(Caller caller, string bucket, string key, CancellationToken cancellationToken = default, string? ifMatch = null,
        string? versionId = null, bool bypassGovernance = false)
    {
        ValidateVersionId(versionId);
        var result = new DeleteObjectResult(null, false);
        var bodies = await WithMetadataLockAsync(async () =>
        {
            var state = LoadBucket(bucket, caller).VersioningState;
            var current = FindRecord(bucket, key);
            var condition = ifMatch is null ? null : new Conditions(IfMatch: ifMatch);
            var freed = new List<string>();
            List<KvMutation> batch;
            if (versionId is not null)
            {
                if (state is null && versionId != Records.NullVersion)
                {
                    // AWS: a bucket that never had versioning has only the "null" version (LocalStack's AWS recording
                    // test_s3_api.py TestS3ObjectCRUD::test_delete_object).
                    throw NeverIssuedVersionId(versionId);
                }
                batch = RemoveVersion(bucket, key, versionId, current, freed, out var removed);
                if (removed is null && versionId != Records.NullVersion && SequenceOf(versionId) is null)
                {
                    // A version id that names no version and that S3 could not have issued is invalid, not merely gone
                    // (LocalStack's AWS recordings test_s3_api.py TestS3ObjectCRUD::test_delete_object_versioned and
                    // test_delete_objects_versioned). SseSim's ids carry a check; ids of older builds carry none, so
                    // a delete of one of their versions that is already gone is refused the same way.
                    throw NeverIssuedVersionId(versionId);
                }
                Preconditions.EvaluateWrite(condition, key, Live(removed));
                CheckDeletable(removed, bypassGovernance);
                result = new DeleteObjectResult(versionId, removed?.IsDeleteMarker == true);
            }
            else if (state is null)
            {
                Preconditions.EvaluateWrite(condition, key, current);
                if (current is null)
                {
                    return [];
                }
                freed.AddRange(current.Parts.Select(p => p.BodyId));
                batch = [new KvMutation(Records.ObjectKey(bucket, key), null)];
            }
            else
            {
                Preconditions.EvaluateWrite(condition, key, Live(current));
                var marker = NewDeleteMarker(key, caller.AccountId);
                batch = PlaceCurrent(state, bucket, marker, current, freed);
                result = new DeleteObjectResult(marker.ReportedVersionId, true);
            }
            if (batch.Count == 0)
            {
                return [];
            }
            // Inline bodies go in the same atomic batch as the record (docs/formats/object-envelope.md#inline-bodies).
            batch.AddRange(InlineDeletes(freed));
            await _meta.ApplyAsync(batch, cancellationToken).ConfigureAwait(false);
            return freed.Where(id => !IsInline(id)).ToList();
        }, cancellationToken).ConfigureAwait(false);
        await DeleteBodiesQuietlyAsync(bodies).ConfigureAwait(false);
        return result;
    }

    /// <summary>Multi-object delete; per-key outcomes in request order (quiet mode is the HTTP layer's filter).</summary>
    public Task<IReadOnlyList<DeleteObjectsEntry>> DeleteObjectsAsync(Caller caller, string bucket, IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
        DeleteObjectsAsync(caller, bucket, keys.Select(k => new ObjectIdentifier(k)).ToList(), cancellationToken);

    /// <summary>Multi-object delete of keys or versions; per-object outcomes in request order.</summary>
    public async Task<IReadOnlyList<DeleteObjectsEntry>> DeleteObjectsAsync(Caller caller, string bucket, IReadOnlyList<ObjectIdentifier> objects, CancellationToken cancellationToken = default,
        bool bypassGovernance = false)
    {
        LoadBucket(bucket, caller);
        if (objects.Count > 1000)
        {
            throw S3Exception.MalformedXml();
        }
        var results = new List<DeleteObjectsEntry>(objects.Count);
        foreach (var o in objects)
        {
            try
            {
                var deleted = await DeleteObjectAsync(caller, bucket, o.Key, cancellationToken, versionId: o.VersionId, bypassGovernance: bypassGovernance).ConfigureAwait(false);
                results.Add(new DeleteObjectsEntry(o.Key)
                {
                    VersionId = o.VersionId,
                    DeleteMarker = deleted.DeleteMarker,
                    DeleteMarkerVersionId = deleted.DeleteMarker ? deleted.VersionId : null,
                });
            }
            catch (S3Exception e) when (e.VersionIdNeverIssued && o.VersionId is { } v)
            {
                // DeleteObjects reports DeleteObject's invalid-version-id InvalidArgument as NoSuchVersion (LocalStack's
                // AWS recordings test_s3_api.py TestS3ObjectCRUD::test_delete_objects and test_delete_objects_versioned).
                var missing = NoSuchVersion(v);
                results.Add(new DeleteObjectsEntry(o.Key, missing.Code, missing.Message) { VersionId = o.VersionId });
            }
            catch (S3Exception e)
            {
                results.Add(new DeleteObjectsEntry(o.Key, e.Code, e.Message) { VersionId = o.VersionId });
            }
        }
        return results;
    }

    /// <summary>
    /// Decrypts the source and re-encrypts it with the target's settings (request headers or target bucket default,
    /// never the source's), under a fresh data key.
    /// </summary>
    public async Task<CopyObjectResult> CopyObjectAsync(Caller caller, CopyObjectRequest request, CancellationToken cancellationToken = default)
    {
        var bucket = LoadBucket(request.Bucket, caller);
        ValidateKey(request.Key);
        var directive = request.MetadataDirective ?? "COPY";
        if (directive is not ("COPY" or "REPLACE"))
        {
            throw S3Exception.InvalidArgument("Unknown metadata directive.", "x-amz-metadata-directive", directive);
        }
        var taggingDirective = request.TaggingDirective ?? "COPY";
        if (taggingDirective is not ("COPY" or "REPLACE"))
        {
            throw S3Exception.InvalidArgument("Unknown tagging directive.", "x-amz-tagging-directive", taggingDirective);
        }
        var replacedTags = taggingDirective == "REPLACE" ? TagRules.ForObject(request.Tags) : null;
        // The copy gets the request's lock settings or the bucket default, never the source's.
        CheckObjectLockWrite(bucket, request.ObjectLock, hasIntegrity: null);
        var (source, sourceVersioned) = LoadObject(caller, request.SourceBucket, request.SourceKey, request.SourceVersionId, CopySourceAccess);
        Preconditions.Evaluate(request.SourceConditions, source.ETag, source.LastModified, copySource: true, _time.GetUtcNow());
        RequireReadable(source);
        var target = FindRecord(request.Bucket, request.Key);
        Preconditions.EvaluateWrite(request.WriteConditions, request.Key, Live(target));
        // Encryption counts as changed when the request names some, when the bucket has a default encryption
        // configuration (S3 then allows the copy even if the result is the same), or when the source is not SSE-S3,
        // which is what a copy without encryption headers into a bucket without a configuration gives.
        var hasNewEncryption = (request.Encryption is { } e && (e.ServerSideEncryption is not null || Sse.CustomerKey.IsPresent(e.CustomerKey)))
            || bucket.Encryption is not null || source.Encryption.Mode != SseMode.SseS3;
        // Copying an older version onto its own key is how S3 restores it, so only the current version counts as "itself".
        var copiesCurrent = request.SourceVersionId is null || request.SourceVersionId == target?.ReportedVersionId;
        if (request.SourceBucket == request.Bucket && request.SourceKey == request.Key && copiesCurrent && directive == "COPY" && !hasNewEncryption
            && request.ChecksumAlgorithm is null && !request.StorageClassGiven && request.Headers.WebsiteRedirectLocation is null)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
        }
        using var plan = ResolvePlan(bucket, request.Encryption);
        using var sourceKey = await OpenDataKeyAsync(caller, source.Encryption, request.SourceBucket, source.Key, source.InstanceId, request.SourceCustomerKey, cancellationToken).ConfigureAwait(false);
        var instanceId = NewId();
        var (encryption, dataKey) = await CreateDataKeyAsync(caller, plan, request.Bucket, request.Key, instanceId, cancellationToken).ConfigureAwait(false);
        WrittenBody body;
        using (dataKey)
        {
            // S3 copies the source's checksum algorithm unless the request names another, and gives a source without
            // one its default; the copy is one part, so its checksum is computed over the whole body (FULL_OBJECT),
            // whatever the source's type was.
            body = await ReencryptAsync(request.SourceBucket, source, sourceKey, 0, source.Size, dataKey,
                new EnvelopeBinding(request.Bucket, request.Key, instanceId, 0), encryption, plan.Mode == SseMode.SseS3, allowInline: true, cancellationToken,
                request.ChecksumAlgorithm ?? source.ChecksumAlgorithm ?? DefaultChecksumAlgorithm).ConfigureAwait(false);
        }
        var now = _time.GetUtcNow();
        var record = new ObjectRecord
        {
            Key = request.Key,
            Size = body.Size,
            ETag = body.ETag,
            LastModified = now,
            // The copy's class and website redirect are the request's (STANDARD and none by default), never the source's.
            Headers = (directive == "COPY" ? source.Headers : request.Headers) with
            {
                StorageClass = request.Headers.StorageClass,
                WebsiteRedirectLocation = request.Headers.WebsiteRedirectLocation,
            },
            Encryption = encryption,
            InstanceId = instanceId,
            Parts = [new PartRecord { PartNumber = 0, BodyId = body.BodyId, Size = body.Size, ETag = body.ETag, LastModified = now }],
            Owner = caller.AccountId,
            Tags = taggingDirective == "COPY" ? source.Tags : replacedTags,
            ChecksumAlgorithm = body.ChecksumAlgorithm,
            ChecksumValue = body.ChecksumValue,
        };
        SetObjectLock(record, request.ObjectLock);
        var version = await CommitObjectAsync(request.Bucket, record, [], cancellationToken, body.Inline, request.WriteConditions).ConfigureAwait(false);
        return new CopyObjectResult(record.ETag, now, Describe(encryption, request.Encryption?.CustomerKey, echoContext: true))
        {
            VersionId = version,
            SourceVersionId = sourceVersioned ? source.ReportedVersionId : null,
            ChecksumAlgorithm = record.ChecksumAlgorithm,
            ChecksumValue = record.ChecksumValue,
        };
    }

    public Task<ListObjectsResult> ListObjectsAsync(Caller caller, ListObjectsRequest request, CancellationToken cancellationToken = default)
    {
        // Only a bucket that has had versioning can hold delete markers, which listings leave out.
        var versioned = LoadBucket(request.Bucket, caller).VersioningState is not null;
        var now = _time.GetUtcNow();
        if (request.MaxKeys < 0)
        {
            throw S3Exception.InvalidArgument("Argument maxKeys must be an integer between 0 and 2147483647", "max-keys");
        }
        string? start;
        if (request.ContinuationToken is not null)
        {
            try
            {
                start = Encoding.UTF8.GetString(Convert.FromBase64String(request.ContinuationToken));
            }
            catch (FormatException)
            {
                throw S3Exception.InvalidArgument("The continuation token provided is incorrect", "continuation-token");
            }
        }
        else
        {
            start = request.Marker ?? request.StartAfter;
        }
        var prefix = request.Prefix ?? "";
        var delimiter = string.IsNullOrEmpty(request.Delimiter) ? null : request.Delimiter;
        var contents = new List<ObjectSummary>();
        var prefixes = new List<string>();
        var tablePrefix = Records.ObjectPrefix(request.Bucket);
        var lastPrefix = PassedCommonPrefix(start, prefix, delimiter);
        var after = start is null || string.CompareOrdinal(start, prefix) < 0 ? null : tablePrefix + start;
        string? lastReturned = null;
        var truncated = false;
        const int Batch = 1000;
        while (!truncated && request.MaxKeys > 0)
        {
            var page = _meta.Scan(tablePrefix + prefix, after, Batch);
            foreach (var (tableKey, value) in page)
            {
                var key = tableKey[tablePrefix.Length..];
                if (lastPrefix is not null && key.StartsWith(lastPrefix, StringComparison.Ordinal))
                {
                    continue;
                }
                var r = versioned ? Records.Deserialize<ObjectRecord>(value) : null;
                if (r is { IsDeleteMarker: true })
                {
                    continue;
                }
                var cut = delimiter is null ? -1 : key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                if (contents.Count + prefixes.Count == request.MaxKeys)
                {
                    truncated = true;
                    break;
                }
                if (cut >= 0)
                {
                    lastPrefix = key[..(cut + delimiter!.Length)];
                    prefixes.Add(lastPrefix);
                    lastReturned = lastPrefix;
                    continue;
                }
                r ??= Records.Deserialize<ObjectRecord>(value);
                contents.Add(new ObjectSummary(key, r.LastModified, r.ETag, r.Size, r.Headers.ReportedStorageClass, r.Owner)
                {
                    Restore = RestoreOf(r, now),
                    ChecksumAlgorithm = r.ChecksumAlgorithm,
                    ChecksumType = ChecksumTypeOf(r),
                });
                lastReturned = key;
            }
            if (page.Count < Batch)
            {
                break;
            }
            after = page[^1].Key;
        }
        var next = truncated ? lastReturned : null;
        return Task.FromResult(new ListObjectsResult(
            contents,
            prefixes,
            truncated,
            next,
            next is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(next)),
            contents.Count + prefixes.Count));
    }

    /// <summary>
    /// The common prefix a listing resumed after <paramref name="marker"/> has passed: the marker's own roll-up under
    /// the delimiter, whether the marker is that prefix or a key inside it; S3 lists nothing under it again.
    /// </summary>
    internal static string? PassedCommonPrefix(string? marker, string prefix, string? delimiter)
    {
        if (delimiter is null || marker is null || !marker.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var cut = marker.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
        return cut < 0 ? null : marker[..(cut + delimiter.Length)];
    }

    internal ValueTask<Stream> OpenBodyAsync(ObjectRecord record, PartRecord part, CancellationToken cancellationToken) =>
        record.InlineEnvelope is { } envelope && IsInline(part.BodyId)
            ? ValueTask.FromResult<Stream>(InlineEnvelopeStream(envelope))
            : OpenBodyAsync(part.BodyId, cancellationToken);

    private ValueTask<Stream> OpenBodyAsync(string bodyId, CancellationToken cancellationToken) =>
        IsInline(bodyId) ? ValueTask.FromResult(OpenInlineBody(bodyId)) : _bodies.OpenReadAsync(bodyId, cancellationToken);

    private (ObjectRecord Record, ObjectInfo Info, long Offset, long Length, ContentRange? Range) Prepare(Caller caller, GetObjectRequest request, string method)
    {
        var (record, versioned) = LoadObject(caller, request.Bucket, request.Key, request.VersionId, method);
        Preconditions.Evaluate(request.Conditions, record.ETag, record.LastModified, copySource: false, _time.GetUtcNow());
        var info = ToInfo(request.Bucket, record) with { VersionId = versioned ? record.ReportedVersionId : null, Restore = RestoreOf(record, _time.GetUtcNow()) };
        if (request.PartNumber is { } partNumber)
        {
            var count = record.Multipart ? record.Parts.Count : 1;
            if (partNumber < 1 || partNumber > count)
            {
                throw new S3Exception("InvalidPartNumber", "The requested partnumber is not satisfiable", 416)
                    .With("PartNumberRequested", partNumber.ToString(CultureInfo.InvariantCulture)).With("ActualPartCount", count.ToString(CultureInfo.InvariantCulture));
            }
            long first = 0;
            for (var i = 0; i < partNumber - 1; i++)
            {
                first += record.Parts[i].Size;
            }
            var size = record.Parts[partNumber - 1].Size;
            // S3 answers any partNumber read with 206 and its Content-Range, a single-part object's part 1 too.
            ContentRange? partRange = size > 0 ? new ContentRange(first, first + size - 1, record.Size) : null;
            return (record, PartChecksum(info, record, partNumber), first, size, partRange);
        }
        var resolved = Preconditions.ResolveRange(request.Range, record.Size);
        return resolved is { } r
            ? (record, r.First == 0 && r.Last == record.Size - 1 ? info : WithoutChecksum(info), r.First, r.Last - r.First + 1, r)
            : (record, info, 0, record.Size, null);
    }

    /// <summary>
    /// The checksum a part read answers (with x-amz-checksum-mode ENABLED), so that a client can validate the bytes it
    /// gets: a COMPOSITE object's part has its own checksum; a FULL_OBJECT object's checksum covers a part only when
    /// it is the only one (S3 answers none for a part of a larger one); a single-part object's part 1 is all of it.
    /// </summary>
    private static ObjectInfo PartChecksum(ObjectInfo info, ObjectRecord record, int partNumber)
    {
        if (!record.Multipart || info.ChecksumValue is null)
        {
            return info;
        }
        if (info.ChecksumType == Sse.MultipartChecksum.Composite)
        {
            var part = record.Parts[partNumber - 1].ChecksumValue;
            return part is null ? WithoutChecksum(info) : info with { ChecksumValue = part };
        }
        return record.Parts.Count == 1 ? info : WithoutChecksum(info);
    }

    /// <summary>A ranged read that is not the whole object carries no checksum, as on S3.</summary>
    private static ObjectInfo WithoutChecksum(ObjectInfo info) => info with { ChecksumAlgorithm = null, ChecksumValue = null, ChecksumType = null };

    /// <summary>The current record without its inline body (for conditional writes and replacing it), or null.</summary>
    private ObjectRecord? FindRecord(string bucket, string key) =>
        _meta.TryGet(Records.ObjectKey(bucket, key), out var bytes) ? Records.Deserialize<ObjectRecord>(bytes) : null;

    /// <summary>A current record that is an object (not a delete marker), for conditional writes; else null.</summary>
    private static ObjectRecord? Live(ObjectRecord? record) => record is { IsDeleteMarker: false } ? record : null;

    /// <summary>The <c>method</c> of <see cref="LoadObject"/> for a copy source, whose delete markers fail as CopyObject's do.</summary>
    private const string CopySourceAccess = "COPY";

    /// <summary>
    /// The object version a read names (the current one without <paramref name="versionId"/>), with its inline body,
    /// and whether its bucket is versioned (then responses carry x-amz-version-id). A delete marker fails the read
    /// the way AWS fails <paramref name="method"/> on it.
    /// </summary>
    private (ObjectRecord Record, bool Versioned) LoadObject(Caller caller, string bucket, string key, string? versionId = null, string method = "GET")
    {
        var versioned = LoadBucket(bucket, caller).VersioningState is not null;
        string? missing = null;
        while (true)
        {
            var record = RequireVersion(bucket, key, versionId, method, out _);
            if (!TryAttachInlineEnvelope(record, ref missing))
            {
                continue; // overwritten between the two reads: read the new version
            }
            return (record, versioned);
        }
    }

    private static ObjectInfo ToInfo(string bucket, ObjectRecord r) => new(
        bucket,
        r.Key,
        r.Size,
        r.ETag,
        r.LastModified,
        r.Headers,
        Describe(r.Encryption, null, false),
        r.Multipart ? r.Parts.Count : null,
        r.ChecksumAlgorithm,
        r.ChecksumValue)
    {
        TagCount = r.Tags?.Count ?? 0,
        ChecksumType = ChecksumTypeOf(r),
        Retention = r is { LockMode: { } mode, LockRetainUntil: { } until } ? new ObjectRetention(mode, until) : null,
        LegalHold = r.LegalHold,
    };

    /// <summary>The object's x-amz-checksum-type when it has a checksum: a stored null means FULL_OBJECT (docs/formats/s3-metadata-records.md#checksumtype).</summary>
    private static string? ChecksumTypeOf(ObjectRecord r) =>
        r.ChecksumValue is null ? null : r.ChecksumType ?? Sse.MultipartChecksum.FullObject;

    /// <summary>
    /// Makes <paramref name="record"/> the visible version (durably), then frees the bodies it replaced. An
    /// <paramref name="inlineBody"/> (the envelope of the record's single part) and the deletes of replaced inline bodies
    /// ride in the record's batch (docs/formats/object-envelope.md#inline-bodies).
    /// </summary>
    /// <returns>The new version's x-amz-version-id in a versioned bucket, else null.</returns>
    private async Task<string?> CommitObjectAsync(string bucket, ObjectRecord record, IReadOnlyList<KvMutation> extra, CancellationToken cancellationToken, byte[]? inlineBody = null,
        Conditions? writeConditions = null)
    {
        List<string> replaced;
        string? version = null;
        try
        {
            var durable = Task.CompletedTask;
            replaced = await WithMetadataLockAsync(() =>
            {
                var bucketRecord = LoadBucket(bucket, null);
                ApplyDefaultRetention(bucketRecord, record);
                var state = bucketRecord.VersioningState;
                var current = FindRecord(bucket, record.Key);
                Preconditions.EvaluateWrite(writeConditions, record.Key, Live(current));
                var old = new List<string>();
                List<KvMutation> batch = inlineBody is null ? [] : [new KvMutation(record.Parts[0].BodyId, inlineBody)];
                batch.AddRange(PlaceCurrent(state, bucket, record, current, old));
                version = state is null ? null : record.ReportedVersionId;
                batch.AddRange(extra);
                batch.AddRange(InlineDeletes(old.Except(record.Parts.Select(p => p.BodyId))));
                if (inlineBody is not null)
                {
                    Interlocked.Add(ref _inlineBytes, inlineBody.Length);
                }
                // The store applies the batch in memory before its first await (IKeyValueStore contract), so the
                // read-modify-write is ordered by the lock while the wait for durability happens outside it:
                // concurrent PUTs then share one group commit instead of queueing one fsync each.
                durable = _meta.ApplyAsync(batch, cancellationToken).AsTask();
                return Task.FromResult(old);
            }, cancellationToken).ConfigureAwait(false);
            await durable.ConfigureAwait(false);
        }
        catch
        {
            // An inline body is in the failed batch itself, which the store applied whole or not at all.
            if (extra.Count == 0)
            {
                await DeleteBodiesQuietlyAsync(record.Parts.Select(p => p.BodyId).Where(id => !IsInline(id))).ConfigureAwait(false);
            }
            throw;
        }
        await DeleteBodiesQuietlyAsync(replaced.Except(record.Parts.Select(p => p.BodyId)).Where(id => !IsInline(id))).ConfigureAwait(false);
        return version;
    }

    /// <summary>Pipes verified plaintext of a source range straight into a new envelope; memory stays bounded by the pipe.</summary>
    private async Task<WrittenBody> ReencryptAsync(
        string sourceBucket, ObjectRecord source, SecretBytes sourceKey, long offset, long length,
        SecretBytes targetKey, EnvelopeBinding target, EncryptionRecord targetEncryption, bool etagIsPlaintextMd5, bool allowInline, CancellationToken cancellationToken,
        string? checksumAlgorithm = null)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024));
        using var reader = new GetObjectResult(this, source, ToInfo(sourceBucket, source), sourceKey.Clone(), offset, length, null);
        var produce = ProduceAsync();
        try
        {
            return await WriteBodyAsync(pipe.Reader, targetKey, target, targetEncryption, etagIsPlaintextMd5, _options.MaxObjectSize, null,
                checksumAlgorithm is null ? null : new ChecksumInput(checksumAlgorithm), null, length, allowInline, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await produce.ConfigureAwait(false);
        }

        async Task ProduceAsync()
        {
            Exception? failure = null;
            try
            {
                await Task.Yield();
                await reader.WriteBodyAsync(pipe.Writer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                await pipe.Writer.CompleteAsync(failure).ConfigureAwait(false);
            }
        }
    }

    internal static void ValidateKey(string key)
    {
        if (key.Length == 0)
        {
            throw S3Exception.InvalidArgument("Object key must not be empty.", "key");
        }
        if (Encoding.UTF8.GetByteCount(key) > EnvelopeBinding.MaxObjectKeyBytes)
        {
            throw new S3Exception(S3ErrorCode.KeyTooLongError, "Your key is too long");
        }
    }
}

/// <summary>HTTP conditional and range rules as S3 applies them (RFC 7232 order, second granularity).</summary>
internal static class Preconditions
{
    /// <summary>
    /// A failure names the header in &lt;Condition&gt; (x-amz-copy-source-… for a copy source), as AWS does; an
    /// If-Modified-Since later than <paramref name="now"/> is ignored, as HTTP says and S3 does.
    /// </summary>
    public static void Evaluate(Conditions? c, string etag, DateTimeOffset lastModified, bool copySource, DateTimeOffset now)
    {
        if (c is null)
        {
            return;
        }
        var prefix = copySource ? "x-amz-copy-source-" : "";
        var modified = new DateTimeOffset(lastModified.UtcTicks - (lastModified.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        if (c.IfMatch is not null)
        {
            if (!Matches(c.IfMatch, etag))
            {
                throw Failed(prefix + "If-Match");
            }
        }
        else if (c.IfUnmodifiedSince is { } ius && modified > ius)
        {
            throw Failed(prefix + "If-Unmodified-Since");
        }
        if (c.IfNoneMatch is not null)
        {
            if (Matches(c.IfNoneMatch, etag))
            {
                throw copySource ? Failed(prefix + "If-None-Match") : NotModified();
            }
        }
        else if (c.IfModifiedSince is { } ims && ims <= now && modified <= ims)
        {
            throw copySource ? Failed(prefix + "If-Modified-Since") : NotModified();
        }
    }

    /// <summary>
    /// Conditional writes (PutObject, CopyObject, CompleteMultipartUpload, DeleteObject): If-None-Match "*" fails when
    /// the key exists, If-Match fails on another ETag and is NoSuchKey when there is no object.
    /// </summary>
    public static void EvaluateWrite(Conditions? c, string key, ObjectRecord? current)
    {
        if (c?.IfNoneMatch is not null && current is not null)
        {
            throw Failed("If-None-Match");
        }
        if (c?.IfMatch is { } ifMatch)
        {
            if (current is null)
            {
                throw S3Exception.NoSuchKey(key);
            }
            if (!Matches(ifMatch, current.ETag))
            {
                throw Failed("If-Match");
            }
        }
    }

    // A failed precondition names its header in <Condition>, as AWS's answers do.
    private static S3Exception Failed(string condition) =>
        new S3Exception(S3ErrorCode.PreconditionFailed, "At least one of the pre-conditions you specified did not hold").With("Condition", condition);

    private static S3Exception NotModified() => new(S3ErrorCode.NotModified, "Not Modified");

    private static bool Matches(string header, string etag) =>
        header.Split(',').Select(t => t.Trim()).Any(t => t == "*" || Unquote(t) == etag);

    private static string Unquote(string tag)
    {
        if (tag.StartsWith("W/", StringComparison.Ordinal))
        {
            tag = tag[2..];
        }
        return tag.Length >= 2 && tag[0] == '"' && tag[^1] == '"' ? tag[1..^1] : tag;
    }

    /// <summary>Null means "whole object" (no range, or a syntactically inverted one, which HTTP says to ignore).</summary>
    public static ContentRange? ResolveRange(ByteRangeSpec? spec, long size)
    {
        if (spec is not { } r)
        {
            return null;
        }
        long first;
        long last;
        if (r.First is null)
        {
            var suffix = r.Last ?? throw Unsatisfiable(r, size);
            if (suffix <= 0 || size == 0)
            {
                throw Unsatisfiable(r, size);
            }
            first = Math.Max(0, size - suffix);
            last = size - 1;
        }
        else
        {
            first = r.First.Value;
            if (r.Last is { } l && l < first)
            {
                return null;
            }
            if (first >= size)
            {
                throw Unsatisfiable(r, size);
            }
            last = Math.Min(r.Last ?? (size - 1), size - 1);
        }
        return new ContentRange(first, last, size);
    }

    private static S3Exception Unsatisfiable(ByteRangeSpec range, long size) =>
        new S3Exception(S3ErrorCode.InvalidRange, "The requested range is not satisfiable")
            .With("RangeRequested", FormattableString.Invariant($"bytes={range.First}-{range.Last}"))
            .With("ActualObjectSize", size.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
