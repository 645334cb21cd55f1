using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using SseSim.Core.Aws;
using SseSim.Core.Storage;

namespace SseSim.Objects;

/// <summary>
/// Bucket versioning (docs/formats/s3-metadata-records.md#versioning): the current version of a key stays at
/// "obj/&lt;bucket&gt;/&lt;key&gt;", so an unversioned bucket reads and writes exactly as before; noncurrent versions live
/// under "ver/" keys and only versioned buckets ever write them.
/// </summary>
public sealed partial class ObjectStore
{
    /// <summary>The version id the request names, when it is one: AWS's shape (32 URL-safe characters) or "null".</summary>
    public static bool IsVersionIdShaped(string versionId) => versionId == Records.NullVersion || VersionIdShape().IsMatch(versionId);

    [GeneratedRegex("^[A-Za-z0-9._-]{32}$")]
    private static partial Regex VersionIdShape();

    /// <summary>A version id that names nothing: NoSuchVersion (404) when it is shaped like one, else InvalidArgument.</summary>
    public static S3Exception NoSuchVersion(string versionId) => IsVersionIdShaped(versionId)
        ? new S3Exception("NoSuchVersion", "The specified version does not exist.", 404).With("VersionId", versionId)
        : S3Exception.InvalidArgument("Invalid version id specified", "versionId", versionId);

    /// <summary>
    /// A shaped version id that names no version of <paramref name="key"/>: NoSuchVersion (with the Key, as AWS answers
    /// it), except in a bucket that never had versioning, where AWS knows no version but "null" and answers
    /// InvalidArgument (LocalStack's AWS recordings test_s3_api.py TestS3ObjectCRUD::test_get_object_with_version_unversioned_bucket
    /// and test_delete_object_versioned).
    /// </summary>
    private S3Exception MissingVersion(string bucket, string key, string versionId)
    {
        if (!IsVersionIdShaped(versionId))
        {
            return NoSuchVersion(versionId);
        }
        return versionId != Records.NullVersion && LoadBucket(bucket, null).VersioningState is null
            ? NeverIssuedVersionId(versionId)
            : new S3Exception("NoSuchVersion", "The specified version does not exist.", 404).With("Key", key).With("VersionId", versionId);
    }

    private static S3Exception NeverIssuedVersionId(string versionId) =>
        new S3Exception(S3ErrorCode.InvalidArgument, "Invalid version id specified") { VersionIdNeverIssued = true }
            .With("ArgumentName", "versionId").With("ArgumentValue", versionId);

    /// <summary>Refuses a request's version id that is not shaped like one (<see cref="NoSuchVersion"/>); null passes.</summary>
    public static void ValidateVersionId(string? versionId)
    {
        if (versionId is not null && !IsVersionIdShaped(versionId))
        {
            throw NoSuchVersion(versionId);
        }
    }

    // 24 bytes in base64url with '-' as '.': AWS's 32-character shape and alphabet (letters, digits, '.', '_'), never
    // "null". The last 16 are random; the first 8 carry the version's Sequence masked by their SHA-256, so that a
    // listing can still place a version-id marker whose version has since been deleted (see SequenceOf).
    private static string NewVersionId(long sequence)
    {
        Span<byte> id = stackalloc byte[24];
        RandomNumberGenerator.Fill(id[8..]);
        Span<byte> mask = stackalloc byte[32];
        SHA256.HashData(id[8..], mask);
        Span<byte> value = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(value, sequence); // its low 48 bits, masked, are the id's first 6 bytes
        for (var i = 0; i < 6; i++)
        {
            id[i] = (byte)(value[i + 2] ^ mask[i]);
        }
        mask[6..8].CopyTo(id[6..8]); // a check: ids of older builds (24 random bytes) pass it 1 time in 65,536
        return Base64Url.EncodeToString(id).Replace('-', '.');
    }

    /// <summary>The Sequence a version id issued by <see cref="NewVersionId"/> carries; null for any other id.</summary>
    internal static long? SequenceOf(string versionId)
    {
        Span<byte> id = stackalloc byte[24];
        if (versionId.Length != 32 || !Base64Url.TryDecodeFromChars(versionId.Replace('.', '-'), id, out var n) || n != 24)
        {
            return null;
        }
        Span<byte> mask = stackalloc byte[32];
        SHA256.HashData(id[8..], mask);
        if (!id[6..8].SequenceEqual(mask[6..8]))
        {
            return null;
        }
        Span<byte> value = stackalloc byte[8];
        for (var i = 0; i < 6; i++)
        {
            value[i + 2] = (byte)(id[i] ^ mask[i]);
        }
        return BinaryPrimitives.ReadInt64BigEndian(value);
    }

    // The first of a key's versions (newest first) older than a deleted version of the given Sequence.
    private static int MarkerPosition(List<ObjectRecord> newestFirst, long sequence)
    {
        var at = newestFirst.FindIndex(v => (v.Sequence ?? 0) < sequence);
        return at < 0 ? newestFirst.Count : at;
    }

    /// <summary>PutBucketVersioning: "Enabled" or "Suspended"; a bucket never returns to unversioned, as on AWS.</summary>
    public Task PutBucketVersioningAsync(Caller caller, string bucket, string status, CancellationToken cancellationToken = default)
    {
        if (status is not (Records.Enabled or Records.Suspended))
        {
            throw S3Exception.MalformedXml();
        }
        return UpdateBucketAsync(caller, bucket, b =>
        {
            if (b.HasObjectLock && status == Records.Suspended)
            {
                throw new S3Exception("InvalidBucketState", "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.", 409);
            }
            (b.Versioning, b.VersioningSuspended) = (status, null);
        }, cancellationToken);
    }

    /// <summary>"Enabled", "Suspended", or null for a bucket that never had versioning.</summary>
    public Task<string?> GetBucketVersioningAsync(Caller caller, string bucket, CancellationToken cancellationToken = default) =>
        Task.FromResult(LoadBucket(bucket, caller).VersioningState);

    /// <summary>
    /// The batch that makes <paramref name="record"/> the key's current version under the bucket's versioning state
    /// (assigning its VersionId and Sequence), and the bodies of the versions it does away with. Call under the
    /// metadata lock with the key's current record.
    /// </summary>
    private List<KvMutation> PlaceCurrent(string? state, string bucket, ObjectRecord record, ObjectRecord? current, List<string> freed)
    {
        var objectKey = Records.ObjectKey(bucket, record.Key);
        if (state is null)
        {
            // Unversioned: the record is what builds before versioning wrote, and the old version is gone.
            if (current is not null)
            {
                freed.AddRange(current.Parts.Select(p => p.BodyId));
            }
            return [new KvMutation(objectKey, Records.Serialize(record))];
        }
        record.Sequence = (current?.Sequence ?? 0) + 1;
        record.VersionId = state == Records.Enabled ? NewVersionId(record.Sequence.Value) : null;
        var batch = new List<KvMutation> { new(objectKey, Records.Serialize(record)) };
        if (current is null)
        {
            return batch;
        }
        if (record.VersionId is null && current.VersionId is null)
        {
            freed.AddRange(current.Parts.Select(p => p.BodyId)); // Suspended overwrites the null version only
            return batch;
        }
        batch.Add(new KvMutation(Records.VersionKey(bucket, record.Key, current.VersionId), Records.Serialize(current)));
        if (record.VersionId is null && _meta.TryGet(Records.VersionKey(bucket, record.Key, null), out var oldNull))
        {
            // A noncurrent null version is replaced by the new null version.
            freed.AddRange(Records.Deserialize<ObjectRecord>(oldNull).Parts.Select(p => p.BodyId));
            batch.Add(new KvMutation(Records.VersionKey(bucket, record.Key, null), null));
        }
        return batch;
    }

    /// <summary>
    /// The version a request names (the current one when <paramref name="versionId"/> is null), delete markers
    /// included, and whether it is the key's current version (kept at "obj/"); null when there is none.
    /// </summary>
    private ObjectRecord? ReadVersion(string bucket, string key, string? versionId, out bool isCurrent)
    {
        ValidateVersionId(versionId);
        isCurrent = false;
        // A key without a current record has no versions at all (docs/formats/s3-metadata-records.md#versioning).
        if (!_meta.TryGet(Records.ObjectKey(bucket, key), out var bytes))
        {
            return null;
        }
        var current = Records.Deserialize<ObjectRecord>(bytes);
        if (versionId is null || current.ReportedVersionId == versionId)
        {
            isCurrent = true;
            return current;
        }
        return _meta.TryGet(Records.VersionKey(bucket, key, versionId), out var version)
            ? Records.Deserialize<ObjectRecord>(version)
            : null;
    }

    /// <summary>
    /// <see cref="ReadVersion"/> for a request that needs an object: NoSuchKey / NoSuchVersion when there is none, and a
    /// delete marker fails the way AWS fails <paramref name="method"/> on it (a copy source: NoSuchKey for the current
    /// version, InvalidRequest for one named by id).
    /// </summary>
    private ObjectRecord RequireVersion(string bucket, string key, string? versionId, string method, out bool isCurrent)
    {
        var record = ReadVersion(bucket, key, versionId, out isCurrent) ?? throw (versionId is null ? S3Exception.NoSuchKey(key) : MissingVersion(bucket, key, versionId));
        if (record.IsDeleteMarker)
        {
            throw method != CopySourceAccess ? DeleteMarkerError(record, key, versionId is not null, method)
                : versionId is null ? S3Exception.NoSuchKey(key)
                : new S3Exception(S3ErrorCode.InvalidRequest, "The source of a copy request may not specifically refer to a delete marker by version id.");
        }
        return record;
    }

    /// <summary>The key's noncurrent versions with their table keys, newest first.</summary>
    private List<(string TableKey, ObjectRecord Record)> NoncurrentVersions(string bucket, string key)
    {
        var prefix = Records.VersionPrefix(bucket, key);
        return [.. _meta.Scan(prefix)
            .Where(kv => !kv.Key.AsSpan(prefix.Length).Contains('\0'))
            .Select(kv => (kv.Key, Records.Deserialize<ObjectRecord>(kv.Value)))
            .OrderByDescending(v => v.Item2.Sequence ?? 0).ThenByDescending(v => v.Item2.LastModified)];
    }

    /// <summary>
    /// DELETE with a versionId under the metadata lock: removes that version (a marker too) and, when it was current,
    /// makes the newest noncurrent version current. A version that does not exist is no error, as on AWS.
    /// </summary>
    private List<KvMutation> RemoveVersion(string bucket, string key, string versionId, ObjectRecord? current, List<string> freed, out ObjectRecord? removed)
    {
        if (current is null)
        {
            removed = null;
            return [];
        }
        if (current.ReportedVersionId == versionId)
        {
            removed = current;
            freed.AddRange(current.Parts.Select(p => p.BodyId));
            var newest = NoncurrentVersions(bucket, key).FirstOrDefault();
            return newest.Record is null
                ? [new KvMutation(Records.ObjectKey(bucket, key), null)]
                : [new KvMutation(Records.ObjectKey(bucket, key), Records.Serialize(newest.Record)), new KvMutation(newest.TableKey, null)];
        }
        var versionKey = Records.VersionKey(bucket, key, versionId);
        if (!_meta.TryGet(versionKey, out var bytes))
        {
            removed = null;
            return [];
        }
        removed = Records.Deserialize<ObjectRecord>(bytes);
        freed.AddRange(removed.Parts.Select(p => p.BodyId));
        return [new KvMutation(versionKey, null)];
    }

    private ObjectRecord NewDeleteMarker(string key, string owner) => new()
    {
        Key = key,
        ETag = "",
        LastModified = _time.GetUtcNow(),
        Encryption = new EncryptionRecord { Mode = SseMode.SseS3 },
        InstanceId = "",
        Owner = owner,
        DeleteMarker = true,
    };

    /// <summary>
    /// A read that reached a delete marker: NoSuchKey for the current version, 405 MethodNotAllowed for one named by
    /// id, both with the marker's headers (AWS GetObject/HeadObject).
    /// </summary>
    private static S3Exception DeleteMarkerError(ObjectRecord marker, string key, bool byVersionId, string method)
    {
        var error = byVersionId
            ? new S3Exception("MethodNotAllowed", "The specified method is not allowed against this resource.", 405)
                .With("Method", method).With("ResourceType", "DeleteMarker")
            : S3Exception.NoSuchKey(key);
        error.Headers["x-amz-delete-marker"] = "true";
        error.Headers["x-amz-version-id"] = marker.ReportedVersionId;
        if (byVersionId)
        {
            error.Headers["Last-Modified"] = marker.LastModified.ToString("R", CultureInfo.InvariantCulture);
        }
        return error;
    }

    /// <summary>
    /// ListObjectVersions: every version and delete marker in key order, newest first within a key; CommonPrefixes
    /// as ListObjects rolls them up. Reads the prefix's records whole (listings are per bucket and small here).
    /// </summary>
    public async Task<ListObjectVersionsResult> ListObjectVersionsAsync(Caller caller, ListObjectVersionsRequest request, CancellationToken cancellationToken = default)
    {
        LoadBucket(request.Bucket, caller);
        var now = _time.GetUtcNow();
        if (request.MaxKeys < 0)
        {
            throw S3Exception.InvalidArgument("Argument maxKeys must be an integer between 0 and 2147483647", "max-keys");
        }
        var prefix = request.Prefix ?? "";
        var delimiter = string.IsNullOrEmpty(request.Delimiter) ? null : request.Delimiter;
        var keyMarker = string.IsNullOrEmpty(request.KeyMarker) ? null : request.KeyMarker;
        var objectPrefix = Records.ObjectPrefix(request.Bucket);
        var versionPrefix = Records.VersionBucketPrefix(request.Bucket);
        // Both scans under the metadata lock: an overwrite moves the current version to ver/ and writes the new one in
        // one batch, and a scan of each half between them could list a version twice or not at all.
        var (noncurrentRows, currentRows) = await WithMetadataLockAsync(
            () => Task.FromResult((_meta.Scan(versionPrefix + prefix).ToList(), _meta.Scan(objectPrefix + prefix).ToList())),
            cancellationToken).ConfigureAwait(false);
        var noncurrent = new Dictionary<string, List<ObjectRecord>>(StringComparer.Ordinal);
        foreach (var (tableKey, value) in noncurrentRows)
        {
            var rest = tableKey[versionPrefix.Length..];
            var cut = rest.LastIndexOf('\0');
            if (cut < 0)
            {
                continue;
            }
            var key = rest[..cut];
            if (!noncurrent.TryGetValue(key, out var list))
            {
                noncurrent[key] = list = [];
            }
            list.Add(Records.Deserialize<ObjectRecord>(value));
        }
        var versions = new List<ObjectVersionSummary>();
        var prefixes = new List<string>();
        var lastPrefix = PassedCommonPrefix(keyMarker, prefix, delimiter);
        string? nextKey = null;
        string? nextVersion = null;
        var truncated = false;
        foreach (var (tableKey, value) in currentRows)
        {
            if (truncated || request.MaxKeys == 0)
            {
                break;
            }
            var key = tableKey[objectPrefix.Length..];
            if (keyMarker is not null && string.CompareOrdinal(key, keyMarker) < 0)
            {
                continue;
            }
            if (lastPrefix is not null && key.StartsWith(lastPrefix, StringComparison.Ordinal))
            {
                continue;
            }
            var cut = delimiter is null ? -1 : key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
            if (cut >= 0)
            {
                if (versions.Count + prefixes.Count == request.MaxKeys)
                {
                    truncated = true;
                    break;
                }
                lastPrefix = key[..(cut + delimiter!.Length)];
                prefixes.Add(lastPrefix);
                (nextKey, nextVersion) = (lastPrefix, null);
                continue;
            }
            var all = new List<ObjectRecord> { Records.Deserialize<ObjectRecord>(value) };
            if (noncurrent.TryGetValue(key, out var older))
            {
                all.AddRange(older.OrderByDescending(v => v.Sequence ?? 0).ThenByDescending(v => v.LastModified));
            }
            var start = 0;
            if (key == keyMarker)
            {
                // Resume after the version marker; a key marker alone means this key was listed whole. A marker whose
                // version has been deleted since resumes at the versions older than it was, as S3 does (the boto3
                // paginator's list-a-page, delete-it loop relies on it).
                var at = request.VersionIdMarker is { } marker ? all.FindIndex(v => v.ReportedVersionId == marker) : -1;
                start = at >= 0 ? at + 1
                    : request.VersionIdMarker is { } gone && SequenceOf(gone) is { } sequence ? MarkerPosition(all, sequence)
                    : all.Count;
            }
            for (var i = start; i < all.Count; i++)
            {
                if (versions.Count + prefixes.Count == request.MaxKeys)
                {
                    truncated = true;
                    break;
                }
                var v = all[i];
                versions.Add(new ObjectVersionSummary(key, v.ReportedVersionId, i == 0, v.IsDeleteMarker, v.LastModified, v.ETag, v.Size, v.Owner)
                {
                    ChecksumAlgorithm = v.ChecksumAlgorithm,
                    ChecksumType = ChecksumTypeOf(v),
                    StorageClass = v.Headers.ReportedStorageClass,
                    Restore = RestoreOf(v, now),
                });
                (nextKey, nextVersion) = (key, v.ReportedVersionId);
            }
        }
        return new ListObjectVersionsResult(versions, prefixes, truncated, truncated ? nextKey : null, truncated ? nextVersion : null);
    }
}
