using System.Globalization;
using System.Security.Cryptography;
using SseSim.Core.Aws;
using SseSim.Core.Storage;
using SseSim.Objects.Envelope;
using SseSim.Objects.Sse;

namespace SseSim.Objects;

public sealed partial class ObjectStore
{
    private const int MaxPartNumber = 10000;

    /// <summary>Fixes the upload's data key now (one KMS GenerateDataKey for SSE-KMS); parts derive per-part content keys from it.</summary>
    public async Task<CreateMultipartUploadResult> CreateMultipartUploadAsync(Caller caller, CreateMultipartUploadRequest request, CancellationToken cancellationToken = default)
    {
        var bucket = LoadBucket(request.Bucket, caller);
        ValidateKey(request.Key);
        var tags = TagRules.ForObject(request.Tags);
        var checksumType = UploadChecksumType(request.ChecksumAlgorithm, request.ChecksumType);
        CheckObjectLockWrite(bucket, request.ObjectLock, hasIntegrity: null);
        using var plan = ResolvePlan(bucket, request.Encryption);
        var uploadId = NewId();
        var (encryption, dataKey) = await CreateDataKeyAsync(caller, plan, request.Bucket, request.Key, uploadId, cancellationToken).ConfigureAwait(false);
        dataKey.Dispose();
        var upload = new UploadRecord
        {
            Bucket = request.Bucket,
            Key = request.Key,
            UploadId = uploadId,
            Initiated = _time.GetUtcNow(),
            Headers = request.Headers,
            Encryption = encryption,
            Owner = caller.AccountId,
            Tags = tags,
            ChecksumAlgorithm = request.ChecksumAlgorithm,
            ChecksumType = checksumType,
            // S3 computes no default checksum for SSE-C multipart uploads (it does for an SSE-C PutObject).
            DefaultChecksum = request.ChecksumAlgorithm is null && encryption.Mode != SseMode.SseC ? true : null,
            LockMode = request.ObjectLock?.Retention?.Mode,
            LockRetainUntil = request.ObjectLock?.Retention is { } retention ? Millis(retention.RetainUntilDate) : null,
            LegalHold = request.ObjectLock?.LegalHold,
            KeyObjectAtStart = Live(FindRecord(request.Bucket, request.Key))?.ETag,
        };
        await _meta.PutAsync(Records.UploadKey(request.Bucket, uploadId), Records.Serialize(upload), cancellationToken).ConfigureAwait(false);
        return new CreateMultipartUploadResult(request.Bucket, request.Key, uploadId, Describe(encryption, request.Encryption?.CustomerKey, echoContext: true))
        {
            ChecksumType = checksumType,
        };
    }

    /// <summary>The upload's x-amz-checksum-type: the request's, checked against the algorithm as S3 does, or the algorithm's default.</summary>
    private static string? UploadChecksumType(string? algorithm, string? requested)
    {
        if (algorithm is null)
        {
            return requested is null ? null
                : throw new S3Exception(S3ErrorCode.InvalidRequest, "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.");
        }
        var type = requested ?? MultipartChecksum.DefaultType(algorithm);
        if (type is not (MultipartChecksum.Composite or MultipartChecksum.FullObject))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Value for x-amz-checksum-type header is invalid.");
        }
        return MultipartChecksum.Supports(algorithm, type) ? type
            : throw new S3Exception(S3ErrorCode.InvalidRequest, $"The {type} checksum type cannot be used with the {algorithm.ToLowerInvariant()} checksum algorithm.");
    }

    /// <summary>Encrypts one part as its own envelope bound to (upload id, part number); re-uploading a number replaces it.</summary>
    public async Task<UploadPartResult> UploadPartAsync(Caller caller, UploadPartRequest request, CancellationToken cancellationToken = default)
    {
        try
        {
            var upload = LoadUpload(caller, request.Bucket, request.Key, request.UploadId);
            ValidatePartNumber(request.PartNumber);
            if (upload.ChecksumAlgorithm is { } expected && request.Checksum?.Algorithm is { } actual
                && !expected.Equals(actual, StringComparison.OrdinalIgnoreCase))
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest,
                    $"Checksum Type mismatch occurred, expected checksum Type: {expected.ToLowerInvariant()}, actual checksum Type: {actual.ToLowerInvariant()}");
            }
            // A COMPOSITE object checksum is made of the checksums the client sent for its parts, so S3 refuses a part
            // without one; under FULL_OBJECT it computes the part's CRC itself (below).
            if (request.Checksum is null && ChecksumTypeOf(upload) == MultipartChecksum.Composite)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest,
                    $"Checksum Type mismatch occurred, expected checksum Type: {upload.ChecksumAlgorithm!.ToLowerInvariant()}, actual checksum Type: null");
            }
            using var dataKey = await OpenUploadKeyAsync(caller, upload, request.CustomerKey, cancellationToken).ConfigureAwait(false);
            // A FULL_OBJECT part sent without a checksum still gets one in the upload's algorithm, for the object's
            // checksum; so does a part of an upload with S3's default, which may also carry a checksum of any algorithm.
            var checksum = request.Checksum ?? (PartAlgorithm(upload) is { } algorithm ? new ChecksumInput(algorithm) : null);
            var body = await WriteBodyAsync(request.Body, dataKey, new EnvelopeBinding(request.Bucket, request.Key, request.UploadId, request.PartNumber), upload.Encryption,
                upload.Encryption.Mode == SseMode.SseS3, _options.MaxPartSize, request.ContentMd5, checksum, upload.DefaultChecksum == true ? DefaultChecksumAlgorithm : null,
                request.ContentLength, allowInline: false, cancellationToken).ConfigureAwait(false);
            await CommitPartAsync(upload, request.PartNumber, body, cancellationToken).ConfigureAwait(false);
            // S3 echoes a part checksum only when the client sent one (the computed one still counts at completion).
            var echoed = request.Checksum is not null;
            return new UploadPartResult(body.ETag, Describe(upload.Encryption, request.CustomerKey, false),
                echoed ? body.ChecksumAlgorithm : null, echoed ? body.ChecksumValue : null);
        }
        finally
        {
            await request.Body.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Copies (a range of) an existing object into a part, decrypting and re-encrypting under the upload's key.</summary>
    public async Task<UploadPartCopyResult> UploadPartCopyAsync(Caller caller, UploadPartCopyRequest request, CancellationToken cancellationToken = default)
    {
        var upload = LoadUpload(caller, request.Bucket, request.Key, request.UploadId);
        ValidatePartNumber(request.PartNumber);
        var (source, sourceVersioned) = LoadObject(caller, request.SourceBucket, request.SourceKey, request.SourceVersionId, CopySourceAccess);
        Preconditions.Evaluate(request.SourceConditions, source.ETag, source.LastModified, copySource: true, _time.GetUtcNow());
        RequireReadable(source);
        long offset = 0;
        var length = source.Size;
        if (request.SourceRange is { } r)
        {
            if (r.First is null || r.Last is null || r.Last < r.First)
            {
                throw S3Exception.InvalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy", "x-amz-copy-source-range");
            }
            // AWS's two answers for a range past the end: one starting past it, one only ending past it.
            if (r.First >= source.Size)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "The specified copy range is invalid for the source object size");
            }
            if (r.Last >= source.Size)
            {
                throw S3Exception.InvalidArgument($"Range specified is not valid for source object of size: {source.Size}", "x-amz-copy-source-range",
                    $"bytes={r.First}-{r.Last}");
            }
            offset = r.First.Value;
            length = r.Last.Value - r.First.Value + 1;
        }
        using var sourceKey = await OpenDataKeyAsync(caller, source.Encryption, request.SourceBucket, source.Key, source.InstanceId, request.SourceCustomerKey, cancellationToken).ConfigureAwait(false);
        using var dataKey = await OpenUploadKeyAsync(caller, upload, request.CustomerKey, cancellationToken).ConfigureAwait(false);
        var body = await ReencryptAsync(request.SourceBucket, source, sourceKey, offset, length, dataKey,
            new EnvelopeBinding(request.Bucket, request.Key, request.UploadId, request.PartNumber), upload.Encryption, upload.Encryption.Mode == SseMode.SseS3, allowInline: false, cancellationToken,
            PartAlgorithm(upload)).ConfigureAwait(false);
        await CommitPartAsync(upload, request.PartNumber, body, cancellationToken).ConfigureAwait(false);
        // A default upload's part CRC64NVME is S3's own, not shown (CopyPartResult has it only for uploads naming it).
        var shown = upload.ChecksumAlgorithm is not null;
        return new UploadPartCopyResult(body.ETag, _time.GetUtcNow(), Describe(upload.Encryption, request.CustomerKey, false))
        {
            SourceVersionId = sourceVersioned ? source.ReportedVersionId : null,
            ChecksumAlgorithm = shown ? body.ChecksumAlgorithm : null,
            ChecksumValue = shown ? body.ChecksumValue : null,
        };
    }

    /// <summary>Metadata only: the parts' envelopes become the object as they are (nothing is re-encrypted, no KMS call).</summary>
    public async Task<CompleteMultipartUploadResult> CompleteMultipartUploadAsync(Caller caller, CompleteMultipartUploadRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Parts.Count == 0)
        {
            // An unknown upload is NoSuchUpload before anything about the body (LocalStack's AWS recording
            // test_multipart_no_such_upload).
            LoadUpload(caller, request.Bucket, request.Key, request.UploadId);
            throw request.WithoutBody ? new S3Exception(S3ErrorCode.InvalidRequest, "You must specify at least one part") : S3Exception.MalformedXml();
        }
        ObjectRecord? record = null;
        string? version = null;
        List<string> unused = [];
        List<string> replaced = [];
        await WithMetadataLockAsync(async () =>
        {
            if (CompletedBy(caller, request) is { } completed)
            {
                // A retried Complete of an upload that already completed (its answer lost to a timeout, say) answers
                // the same result, as S3 does, while the object it made is still the key's current one.
                record = completed;
                version = LoadBucket(request.Bucket, null).VersioningState is null ? null : completed.ReportedVersionId;
                return true;
            }
            var upload = LoadUpload(caller, request.Bucket, request.Key, request.UploadId);
            var stored = _meta.Scan(Records.PartPrefix(request.UploadId))
                .Select(kv => Records.Deserialize<PartRecord>(kv.Value))
                .ToDictionary(p => p.PartNumber);
            var chosen = new List<PartRecord>();
            var previous = 0;
            foreach (var part in request.Parts)
            {
                if (part.PartNumber <= previous)
                {
                    throw new S3Exception(S3ErrorCode.InvalidPartOrder, "The list of parts was not in ascending order. Parts must be ordered by part number.")
                        .With("UploadId", request.UploadId);
                }
                previous = part.PartNumber;
                if (!stored.TryGetValue(part.PartNumber, out var p) || p.ETag != part.ETag.Trim('"'))
                {
                    throw InvalidPart(part, request.UploadId);
                }
                if (upload.ChecksumAlgorithm is { } algorithm)
                {
                    CheckPartChecksum(upload, algorithm, part, p);
                }
                chosen.Add(p);
            }
            for (var i = 0; i < chosen.Count - 1; i++)
            {
                if (chosen[i].Size < _options.MinPartSize)
                {
                    // Members as S3 sends them (LocalStack's AWS recording test_multipart_complete_multipart_too_small).
                    throw new S3Exception(S3ErrorCode.EntityTooSmall, "Your proposed upload is smaller than the minimum allowed size")
                        .With("ProposedSize", chosen[i].Size.ToString(CultureInfo.InvariantCulture))
                        .With("MinSizeAllowed", _options.MinPartSize.ToString(CultureInfo.InvariantCulture))
                        .With("PartNumber", chosen[i].PartNumber.ToString(CultureInfo.InvariantCulture))
                        .With("ETag", chosen[i].ETag);
                }
            }
            // docs: multipart ETag = MD5(concatenated binary part ETags) "-" part count (reference/s3.md §3.5).
            var concatenated = chosen.SelectMany(p => Convert.FromHexString(p.ETag)).ToArray();
            var now = _time.GetUtcNow();
            var (checksumAlgorithm, checksumValue, checksumType) = ObjectChecksum(upload, chosen, request);
            record = new ObjectRecord
            {
                Key = request.Key,
                Size = chosen.Sum(p => p.Size),
                ETag = Convert.ToHexStringLower(MD5.HashData(concatenated)) + "-" + chosen.Count.ToString(CultureInfo.InvariantCulture),
                LastModified = now,
                Headers = upload.Headers,
                Encryption = upload.Encryption,
                InstanceId = upload.UploadId,
                Multipart = true,
                Parts = chosen,
                Owner = upload.Owner,
                Tags = upload.Tags,
                ChecksumAlgorithm = checksumAlgorithm,
                ChecksumValue = checksumValue,
                ChecksumType = checksumType == MultipartChecksum.Composite ? checksumType : null,
                LockMode = upload.LockMode,
                LockRetainUntil = upload.LockRetainUntil,
                LegalHold = upload.LegalHold,
            };
            var current = FindRecord(request.Bucket, request.Key);
            Preconditions.EvaluateWrite(request.WriteConditions, request.Key, Live(current));
            if (request.WriteConditions?.IfNoneMatch is not null && upload.KeyObjectAtStart is not null && Live(current) is null)
            {
                // The key's object was deleted while the upload was open: on S3 that delete wins the race with this
                // conditional write, and only a new upload can succeed (LocalStack's AWS recording
                // test_s3_api.py TestS3ObjectWritePrecondition::test_multipart_if_none_match_with_delete).
                throw new S3Exception(S3ErrorCode.ConditionalRequestConflict, "The conditional request cannot succeed due to a conflicting operation against this resource.")
                    .With("Condition", "If-None-Match")
                    .With("Key", request.Key);
            }
            var bucketRecord = LoadBucket(request.Bucket, null);
            ApplyDefaultRetention(bucketRecord, record);
            var state = bucketRecord.VersioningState;
            var batch = PlaceCurrent(state, request.Bucket, record, current, replaced);
            version = state is null ? null : record.ReportedVersionId;
            batch.Add(new(Records.UploadKey(request.Bucket, request.UploadId), null));
            batch.AddRange(stored.Keys.Select(n => new KvMutation(Records.PartKey(request.UploadId, n), null)));
            await _meta.ApplyAsync(batch, cancellationToken).ConfigureAwait(false);
            unused = stored.Values.Except(chosen).Select(p => p.BodyId).ToList();
            return true;
        }, cancellationToken).ConfigureAwait(false);
        await DeleteBodiesQuietlyAsync(unused.Concat(replaced)).ConfigureAwait(false);
        return new CompleteMultipartUploadResult(request.Bucket, request.Key, record!.ETag, Describe(record.Encryption, request.CustomerKey, false))
        {
            VersionId = version,
            ChecksumAlgorithm = record.ChecksumAlgorithm,
            ChecksumValue = record.ChecksumValue,
            ChecksumType = ChecksumTypeOf(record),
        };
    }

    /// <summary>The key's current object when it is the one this (no longer open) upload completed into.</summary>
    private ObjectRecord? CompletedBy(Caller caller, CompleteMultipartUploadRequest request)
    {
        LoadBucket(request.Bucket, caller);
        if (_meta.TryGet(Records.UploadKey(request.Bucket, request.UploadId), out _))
        {
            return null;
        }
        return FindRecord(request.Bucket, request.Key) is { IsDeleteMarker: false, Multipart: true } current && current.InstanceId == request.UploadId
            ? current
            : null;
    }

    /// <summary>
    /// A part CompleteMultipartUpload names that is not stored as named (ETag or checksum): S3's wording (two spaces
    /// included), the ETag without quotes and the upload id (LocalStack's AWS recording test_multipart_complete_multipart_wrong_part).
    /// </summary>
    private static S3Exception InvalidPart(CompletedPart part, string uploadId) =>
        new S3Exception(S3ErrorCode.InvalidPart, "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.")
            .With("UploadId", uploadId).With("PartNumber", part.PartNumber.ToString(CultureInfo.InvariantCulture)).With("ETag", part.ETag.Trim('"'));

    /// <summary>The upload's checksum type: the stored one, or the algorithm's default for an upload recorded without it; null without an algorithm.</summary>
    private static string? ChecksumTypeOf(UploadRecord upload) =>
        upload.ChecksumAlgorithm is { } algorithm ? upload.ChecksumType ?? MultipartChecksum.DefaultType(algorithm) : null;

    /// <summary>The algorithm of the checksum kept for each part: the upload's, S3's default, or none (an older upload without an algorithm, or SSE-C).</summary>
    private static string? PartAlgorithm(UploadRecord upload) =>
        upload.ChecksumAlgorithm ?? (upload.DefaultChecksum == true ? DefaultChecksumAlgorithm : null);

    /// <summary>
    /// A part named in CompleteMultipartUpload of an upload with a checksum algorithm: its Checksum&lt;ALG&gt; must be the
    /// stored one (InvalidPart otherwise), and a COMPOSITE upload must name every part's checksum, as S3 requires.
    /// </summary>
    private static void CheckPartChecksum(UploadRecord upload, string algorithm, CompletedPart part, PartRecord stored)
    {
        if (part.Checksum is { } given)
        {
            if (!given.Algorithm.Equals(algorithm, StringComparison.OrdinalIgnoreCase))
            {
                // S3's wording for a checksum of another algorithm than the upload's (it keeps only that one).
                throw new S3Exception(S3ErrorCode.BadDigest,
                    $"The {given.Algorithm.ToLowerInvariant()} you specified for part {part.PartNumber.ToString(CultureInfo.InvariantCulture)} did not match what we received.");
            }
            if (stored.ChecksumValue is { } value && given.Value != value)
            {
                throw InvalidPart(part, upload.UploadId);
            }
        }
        else if (upload.ChecksumType == MultipartChecksum.Composite)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest,
                $"The upload was created using a {algorithm.ToLowerInvariant()} checksum. The complete request must include the checksum for each part. It was missing for part {part.PartNumber.ToString(CultureInfo.InvariantCulture)} in the request.");
        }
    }

    /// <summary>
    /// The object's checksum algorithm, value and type from its parts (null when the upload has neither an algorithm
    /// nor S3's default, or a part stored before parts kept checksums has none); a client's x-amz-checksum-* for the
    /// whole object must match it (BadDigest).
    /// </summary>
    private static (string? Algorithm, string? Value, string? Type) ObjectChecksum(UploadRecord upload, List<PartRecord> parts, CompleteMultipartUploadRequest request)
    {
        var missing = parts.Any(p => p.ChecksumValue is null);
        if (upload.ChecksumAlgorithm is not { } algorithm)
        {
            // S3's default CRC64NVME; what the client says about the checksum of an upload without an algorithm is not
            // checked, as before the default existed.
            return upload.DefaultChecksum == true && !missing
                ? (DefaultChecksumAlgorithm, MultipartChecksum.Combine(DefaultChecksumAlgorithm, MultipartChecksum.FullObject, parts.Select(p => (p.ChecksumValue!, p.Size)).ToList()),
                    MultipartChecksum.FullObject)
                : (null, null, null);
        }
        var type = ChecksumTypeOf(upload)!;
        if (request.ChecksumType is { } requestedType && requestedType != type)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest,
                $"The upload was created using the {type} checksum mode. The complete request must use the same checksum mode.");
        }
        if (missing)
        {
            return (null, null, null);
        }
        var value = MultipartChecksum.Combine(algorithm, type, parts.Select(p => (p.ChecksumValue!, p.Size)).ToList());
        if (request.Checksum is { Value: { } expected } given)
        {
            // A COMPOSITE value may be sent with or without its "-N" suffix.
            var comparable = type == MultipartChecksum.Composite && !expected.Contains('-', StringComparison.Ordinal) ? value[..value.LastIndexOf('-')] : value;
            if (!given.Algorithm.Equals(algorithm, StringComparison.OrdinalIgnoreCase) || expected != comparable)
            {
                throw new S3Exception(S3ErrorCode.BadDigest, $"The {given.Algorithm.ToLowerInvariant()} you specified did not match the calculated checksum.");
            }
        }
        return (algorithm, value, type);
    }

    public async Task AbortMultipartUploadAsync(Caller caller, string bucket, string key, string uploadId, CancellationToken cancellationToken = default)
    {
        var bodies = await WithMetadataLockAsync(async () =>
        {
            LoadUpload(caller, bucket, key, uploadId);
            var parts = _meta.Scan(Records.PartPrefix(uploadId)).ToList();
            var batch = parts.Select(kv => new KvMutation(kv.Key, null)).Append(new KvMutation(Records.UploadKey(bucket, uploadId), null)).ToList();
            await _meta.ApplyAsync(batch, cancellationToken).ConfigureAwait(false);
            return parts.Select(kv => Records.Deserialize<PartRecord>(kv.Value).BodyId).ToList();
        }, cancellationToken).ConfigureAwait(false);
        await DeleteBodiesQuietlyAsync(bodies).ConfigureAwait(false);
    }

    public Task<ListPartsResult> ListPartsAsync(Caller caller, string bucket, string key, string uploadId, int maxParts = 1000, int partNumberMarker = 0, CancellationToken cancellationToken = default)
    {
        var upload = LoadUpload(caller, bucket, key, uploadId);
        var all = _meta.Scan(Records.PartPrefix(uploadId))
            .Select(kv => Records.Deserialize<PartRecord>(kv.Value))
            .Where(p => p.PartNumber > partNumberMarker)
            .ToList();
        // A default upload's part CRC64NVMEs are S3's own: ListParts shows neither them nor an algorithm, as S3 does.
        var page = all.Take(Math.Max(0, maxParts))
            .Select(p => new PartInfo(p.PartNumber, p.ETag, p.Size, p.LastModified) { ChecksumValue = upload.ChecksumAlgorithm is null ? null : p.ChecksumValue }).ToList();
        var truncated = all.Count > page.Count;
        // AWS names the last listed part as NextPartNumberMarker on every page that lists one, the last page too.
        return Task.FromResult(new ListPartsResult(bucket, key, uploadId, page, truncated, page.Count > 0 ? page[^1].PartNumber : null, upload.Owner, upload.Initiated)
        {
            ChecksumAlgorithm = upload.ChecksumAlgorithm,
            ChecksumType = ChecksumTypeOf(upload),
            StorageClass = upload.Headers.ReportedStorageClass,
        });
    }

    /// <summary>In-progress uploads ordered by key, then initiation time.</summary>
    public Task<ListMultipartUploadsResult> ListMultipartUploadsAsync(Caller caller, ListMultipartUploadsRequest request, CancellationToken cancellationToken = default)
    {
        LoadBucket(request.Bucket, caller);
        var prefix = request.Prefix ?? "";
        var ordered = _meta.Scan(Records.UploadPrefix(request.Bucket))
            .Select(kv => Records.Deserialize<UploadRecord>(kv.Value))
            .Where(u => u.Key.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(u => u.Key, StringComparer.Ordinal).ThenBy(u => u.Initiated).ThenBy(u => u.UploadId, StringComparer.Ordinal)
            .ToList();
        // The upload-id marker must be an in-progress upload of the key marker (AWS: InvalidArgument otherwise); listing
        // resumes after it in the order uploads are listed, initiation time, not upload id.
        UploadRecord? idMarker = null;
        if (request.KeyMarker is not null && request.UploadIdMarker is { } uploadIdMarker)
        {
            idMarker = _meta.TryGet(Records.UploadKey(request.Bucket, uploadIdMarker), out var markerBytes) ? Records.Deserialize<UploadRecord>(markerBytes) : null;
            if (idMarker is null || idMarker.Key != request.KeyMarker)
            {
                throw S3Exception.InvalidArgument("Invalid uploadId marker", "upload-id-marker", uploadIdMarker);
            }
        }
        var skipping = request.KeyMarker is not null;
        var result = new List<UploadInfo>();
        var prefixes = new List<string>();
        var truncated = false;
        var lastIsPrefix = false;
        foreach (var u in ordered)
        {
            if (skipping)
            {
                var cmp = string.CompareOrdinal(u.Key, request.KeyMarker);
                if (cmp < 0 || (cmp == 0 && (idMarker is null || u.Initiated < idMarker.Initiated
                    || (u.Initiated == idMarker.Initiated && string.CompareOrdinal(u.UploadId, idMarker.UploadId) <= 0))))
                {
                    continue;
                }
                skipping = false;
            }
            string? common = null;
            if (!string.IsNullOrEmpty(request.Delimiter) && u.Key.IndexOf(request.Delimiter, prefix.Length, StringComparison.Ordinal) is var at and >= 0)
            {
                common = u.Key[..(at + request.Delimiter.Length)];
                // A prefix already listed, or one at or before the key marker (which then names it), is not listed again.
                if ((prefixes.Count > 0 && prefixes[^1] == common) || (request.KeyMarker is not null && string.CompareOrdinal(common, request.KeyMarker) <= 0))
                {
                    continue;
                }
            }
            if (result.Count + prefixes.Count == request.MaxUploads)
            {
                // A page of zero is empty and complete, as AWS answers max-uploads=0 (scality/cloudserver#435).
                truncated = request.MaxUploads > 0;
                break;
            }
            if (common is not null)
            {
                prefixes.Add(common);
                lastIsPrefix = true;
            }
            else
            {
                result.Add(new UploadInfo(u.Key, u.UploadId, u.Initiated, u.Owner) { StorageClass = u.Headers.ReportedStorageClass });
                lastIsPrefix = false;
            }
        }
        // S3 names the last upload listed in both next markers on every page, not only a truncated one; when the page
        // ends with a common prefix it names none (recorded from AWS).
        var last = result.Count > 0 && !lastIsPrefix ? result[^1] : null;
        return Task.FromResult(new ListMultipartUploadsResult(result, truncated, last?.Key, last?.UploadId) { CommonPrefixes = prefixes });
    }

    private UploadRecord LoadUpload(Caller? caller, string bucket, string key, string uploadId)
    {
        LoadBucket(bucket, caller);
        if (!_meta.TryGet(Records.UploadKey(bucket, uploadId), out var bytes))
        {
            throw S3Exception.NoSuchUpload(uploadId);
        }
        var upload = Records.Deserialize<UploadRecord>(bytes);
        return upload.Key == key ? upload : throw S3Exception.NoSuchUpload(uploadId);
    }

    private static void ValidatePartNumber(int partNumber)
    {
        if (partNumber is < 1 or > MaxPartNumber)
        {
            throw S3Exception.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", partNumber.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The upload's data key; SSE-C parts must repeat the initiating key (reference/s3.md §1.2 notes).</summary>
    private async Task<SseSim.Core.Secrets.SecretBytes> OpenUploadKeyAsync(Caller caller, UploadRecord upload, CustomerKeyHeaders? customer, CancellationToken cancellationToken)
    {
        if (upload.Encryption.Mode == SseMode.SseC)
        {
            if (!Sse.CustomerKey.IsPresent(customer))
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.");
            }
            var key = Sse.CustomerKey.Parse(customer!);
            if (!Sse.CustomerKey.Matches(key, upload.Encryption.CustomerKeySalt!, upload.Encryption.CustomerKeyHmac!))
            {
                key.Dispose();
                throw new S3Exception(S3ErrorCode.InvalidRequest, "The provided encryption parameters did not match the ones used originally.");
            }
            return key;
        }
        return await OpenDataKeyAsync(caller, upload.Encryption, upload.Bucket, upload.Key, upload.UploadId, customer, cancellationToken).ConfigureAwait(false);
    }

    private async Task CommitPartAsync(UploadRecord upload, int partNumber, WrittenBody body, CancellationToken cancellationToken)
    {
        var part = new PartRecord
        {
            PartNumber = partNumber,
            BodyId = body.BodyId,
            Size = body.Size,
            ETag = body.ETag,
            LastModified = _time.GetUtcNow(),
            ChecksumValue = PartAlgorithm(upload) is { } algorithm ? body.ChecksumIn(algorithm) : null,
        };
        string? replaced = null;
        try
        {
            await WithMetadataLockAsync(async () =>
            {
                // The upload may have been completed or aborted while this part streamed.
                LoadUpload(null, upload.Bucket, upload.Key, upload.UploadId);
                var partKey = Records.PartKey(upload.UploadId, partNumber);
                if (_meta.TryGet(partKey, out var old))
                {
                    replaced = Records.Deserialize<PartRecord>(old).BodyId;
                }
                await _meta.PutAsync(partKey, Records.Serialize(part), cancellationToken).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DeleteBodiesQuietlyAsync([body.BodyId]).ConfigureAwait(false);
            throw;
        }
        if (replaced is not null)
        {
            await DeleteBodiesQuietlyAsync([replaced]).ConfigureAwait(false);
        }
    }
}
