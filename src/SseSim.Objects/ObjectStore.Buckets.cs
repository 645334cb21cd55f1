using System.Collections.Concurrent;
using System.Text.Json;
using SseSim.Core.Aws;
using SseSim.Core.Storage;

namespace SseSim.Objects;

public sealed partial class ObjectStore
{
    private const string UsEast1 = "us-east-1";

    private readonly ConcurrentDictionary<string, (byte[] Bytes, BucketRecord Record)> _parsedBuckets = new(StringComparer.Ordinal);

    /// <param name="objectLockEnabled">x-amz-bucket-object-lock-enabled: the bucket starts with Object Lock and versioning Enabled.</param>
    public async Task<BucketInfo> CreateBucketAsync(Caller caller, string bucket, string? region = null, CancellationToken cancellationToken = default, bool objectLockEnabled = false)
    {
        ValidateBucketName(bucket);
        return await WithMetadataLockAsync(async () =>
        {
            if (TryLoadBucket(bucket, out var existing))
            {
                // S3's legacy us-east-1 behaviour: re-creating a bucket you own there is 200 OK and changes nothing
                // (ACLs are owner-only here, so "resets the ACLs" is a no-op); every other Region answers 409.
                if (existing.Owner == caller.AccountId && existing.Region == UsEast1 && (region ?? caller.Region) == UsEast1)
                {
                    return ToInfo(existing);
                }
                throw existing.Owner == caller.AccountId
                    ? new S3Exception(S3ErrorCode.BucketAlreadyOwnedByYou, "Your previous request to create the named bucket succeeded and you already own it.").With("BucketName", bucket)
                    : new S3Exception(S3ErrorCode.BucketAlreadyExists, "The requested bucket name is not available.").With("BucketName", bucket);
            }
            var record = new BucketRecord
            {
                Name = bucket,
                Created = _time.GetUtcNow(),
                Region = region ?? caller.Region,
                Owner = caller.AccountId,
                Encryption = _options.BlockSseCOnNewBuckets ? new BucketEncryptionRule("AES256", BlockedEncryptionTypes: ["SSE-C"]) : null,
                PublicAccessBlock = PublicAccessBlock.AllBlocked,
                ObjectLockEnabled = objectLockEnabled ? true : null,
                Versioning = objectLockEnabled ? Records.Enabled : null,
            };
            await _meta.PutAsync(Records.BucketKey(bucket), Records.Serialize(record), cancellationToken).ConfigureAwait(false);
            return ToInfo(record);
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<BucketInfo> HeadBucketAsync(Caller caller, string bucket, CancellationToken cancellationToken = default) =>
        Task.FromResult(ToInfo(LoadBucket(bucket, caller)));

    /// <summary>Region for GetBucketLocation (the HTTP layer renders us-east-1 as an empty LocationConstraint).</summary>
    public Task<string> GetBucketLocationAsync(Caller caller, string bucket, CancellationToken cancellationToken = default) =>
        Task.FromResult(LoadBucket(bucket, caller).Region);

    /// <summary>Buckets owned by the caller's account, by name.</summary>
    public Task<IReadOnlyList<BucketInfo>> ListBucketsAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<BucketInfo> list = _meta.Scan("bucket/")
            .Select(kv => Records.Deserialize<BucketRecord>(kv.Value))
            .Where(b => b.Owner == caller.AccountId)
            .Select(ToInfo)
            .ToList();
        return Task.FromResult(list);
    }

    /// <summary>Fails with BucketNotEmpty while objects exist; in-progress multipart uploads are aborted.</summary>
    public async Task DeleteBucketAsync(Caller caller, string bucket, CancellationToken cancellationToken = default)
    {
        var orphanBodies = await WithMetadataLockAsync(async () =>
        {
            var record = LoadBucket(bucket, caller);
            if (_meta.Scan(Records.ObjectPrefix(bucket), limit: 1).Count > 0)
            {
                // AWS adds the versions hint once the bucket has ever been versioned.
                var message = record.VersioningState is null
                    ? "The bucket you tried to delete is not empty"
                    : "The bucket you tried to delete is not empty. You must delete all versions in the bucket.";
                throw new S3Exception(S3ErrorCode.BucketNotEmpty, message).With("BucketName", bucket);
            }
            var batch = new List<KvMutation> { new(Records.BucketKey(bucket), null) };
            var bodies = new List<string>();
            foreach (var (uploadKey, value) in _meta.Scan(Records.UploadPrefix(bucket)))
            {
                var upload = Records.Deserialize<UploadRecord>(value);
                batch.Add(new(uploadKey, null));
                foreach (var (partKey, partValue) in _meta.Scan(Records.PartPrefix(upload.UploadId)))
                {
                    batch.Add(new(partKey, null));
                    bodies.Add(Records.Deserialize<PartRecord>(partValue).BodyId);
                }
            }
            await _meta.ApplyAsync(batch, cancellationToken).ConfigureAwait(false);
            return bodies;
        }, cancellationToken).ConfigureAwait(false);
        await DeleteBodiesQuietlyAsync(orphanBodies).ConfigureAwait(false);
    }

    public async Task PutBucketEncryptionAsync(Caller caller, string bucket, BucketEncryptionRule rule, CancellationToken cancellationToken = default)
    {
        switch (rule.SseAlgorithm)
        {
            case "AES256" when rule.KmsMasterKeyId is not null:
                throw S3Exception.InvalidArgument("a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse", "ApplyServerSideEncryptionByDefault");
            case "AES256" or "aws:kms" or "aws:kms:dsse":
                break;
            default:
                throw S3Exception.MalformedXml();
        }
        if (rule.BlockedEncryptionTypes?.Any(t => t is not ("NONE" or "SSE-C")) == true)
        {
            throw S3Exception.MalformedXml();
        }
        // "NONE" unblocks everything, so it is stored as no list.
        var stored = rule.BlockedEncryptionTypes?.Contains("SSE-C") == true ? rule with { BlockedEncryptionTypes = ["SSE-C"] } : rule with { BlockedEncryptionTypes = null };
        await UpdateBucketAsync(caller, bucket, b => b.Encryption = stored, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The bucket's rule, or the implicit AES256 rule every bucket has had since 2023 (reference/s3.md §1.4).</summary>
    public Task<BucketEncryptionRule> GetBucketEncryptionAsync(Caller caller, string bucket, CancellationToken cancellationToken = default)
    {
        var b = LoadBucket(bucket, caller);
        if (b.Encryption is null && _options.ReportMissingBucketEncryption)
        {
            throw new S3Exception(S3ErrorCode.ServerSideEncryptionConfigurationNotFoundError, "The server side encryption configuration was not found").With("BucketName", bucket);
        }
        return Task.FromResult(b.Encryption ?? new BucketEncryptionRule("AES256"));
    }

    public Task DeleteBucketEncryptionAsync(Caller caller, string bucket, CancellationToken cancellationToken = default) =>
        UpdateBucketAsync(caller, bucket, b => b.Encryption = null, cancellationToken);

    /// <summary>Stores the policy JSON (syntax-checked only; evaluation is not implemented yet).</summary>
    public Task PutBucketPolicyAsync(Caller caller, string bucket, string policyJson, CancellationToken cancellationToken = default)
    {
        try
        {
            using var doc = JsonDocument.Parse(policyJson);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("Statement", out _))
            {
                throw new S3Exception(S3ErrorCode.MalformedPolicy, "Missing required field Statement");
            }
        }
        catch (JsonException e)
        {
            throw new S3Exception(S3ErrorCode.MalformedPolicy, "Policies must be valid JSON and the first byte must be '{'", 400, e);
        }
        return UpdateBucketAsync(caller, bucket, b => b.Policy = policyJson, cancellationToken);
    }

    public Task<string> GetBucketPolicyAsync(Caller caller, string bucket, CancellationToken cancellationToken = default) =>
        Task.FromResult(LoadBucket(bucket, caller).Policy
            ?? throw new S3Exception(S3ErrorCode.NoSuchBucketPolicy, "The bucket policy does not exist").With("BucketName", bucket));

    /// <summary>
    /// The policy to check Deny statements against, or null when the bucket is missing, another account's or has no
    /// policy (the operation itself reports those). Runs on every request, so it never throws.
    /// </summary>
    public string? FindBucketPolicy(Caller caller, string bucket) =>
        TryLoadBucket(bucket, out var record) && record.Owner == caller.AccountId ? record.Policy : null;

    public Task DeleteBucketPolicyAsync(Caller caller, string bucket, CancellationToken cancellationToken = default) =>
        UpdateBucketAsync(caller, bucket, b => b.Policy = null, cancellationToken);

    private Task UpdateBucketAsync(Caller caller, string bucket, Action<BucketRecord> change, CancellationToken cancellationToken) =>
        WithMetadataLockAsync(async () =>
        {
            LoadBucket(bucket, caller);
            // Changed on a private copy: TryLoadBucket's parsed records are shared by concurrent requests.
            _meta.TryGet(Records.BucketKey(bucket), out var bytes);
            var record = Records.Deserialize<BucketRecord>(bytes);
            change(record);
            await _meta.PutAsync(Records.BucketKey(bucket), Records.Serialize(record), cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>The account that owns the bucket, or null; for auditing a refusal, never for access decisions.</summary>
    public string? BucketOwner(string bucket) => TryLoadBucket(bucket, out var record) ? record.Owner : null;

    /// <summary>The bucket's record, parsed once per stored version (callers must not modify it).</summary>
    private bool TryLoadBucket(string bucket, out BucketRecord record)
    {
        if (!_meta.TryGet(Records.BucketKey(bucket), out var bytes))
        {
            _parsedBuckets.TryRemove(bucket, out _);
            record = null!;
            return false;
        }
        // The table hands out the same array until the record is rewritten, so the same reference means the same
        // content; a request reads its bucket two or three times (policy check, operation, commit).
        if (_parsedBuckets.TryGetValue(bucket, out var parsed) && ReferenceEquals(parsed.Bytes, bytes))
        {
            record = parsed.Record;
            return true;
        }
        record = Records.Deserialize<BucketRecord>(bytes);
        _parsedBuckets[bucket] = (bytes, record);
        return true;
    }

    /// <summary>
    /// The bucket, if the caller's account owns it. There is no IAM and no ACL or policy Allow, so another account's
    /// request is AccessDenied, as S3 answers a principal without a grant (docs/security.md#cross-account).
    /// </summary>
    /// <param name="caller">Null only for re-checks inside a commit whose public entry point already checked the owner.</param>
    private BucketRecord LoadBucket(string bucket, Caller? caller)
    {
        var record = TryLoadBucket(bucket, out var found) ? found : throw S3Exception.NoSuchBucket(bucket);
        return caller is null || record.Owner == caller.AccountId ? record : throw new S3Exception(S3ErrorCode.AccessDenied, "Access Denied");
    }

    private static BucketInfo ToInfo(BucketRecord b) => new(b.Name, b.Created, b.Region, b.Owner);

    // Names S3 keeps for itself: punycode, Object Lambda and Multi-Region Access Point aliases, directory and table
    // buckets, its own tooling and documentation examples (S3 User Guide, "General purpose bucket naming rules").
    private static readonly string[] ReservedPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"];
    private static readonly string[] ReservedSuffixes = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

    /// <summary>
    /// General-purpose bucket naming rules (3–63 chars, lower-case letters, digits, '.', '-'; no reserved prefix or
    /// suffix). Each dot-separated label also starts and ends with a letter or digit, so no hyphen touches a period:
    /// S3 answers InvalidBucketName for "foo.-bar" and "foo-.bar" (CloudTrail's copy of the rules: "use dashes
    /// adjacent to periods"; ceph/s3-tests' test_bucket_create_naming_dns_dot_dash/dash_dot pass against AWS).
    /// </summary>
    internal static void ValidateBucketName(string bucket)
    {
        var ok = bucket.Length is >= 3 and <= 63
            && bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')
            && char.IsAsciiLetterOrDigit(bucket[0]) && char.IsAsciiLetterOrDigit(bucket[^1])
            && !bucket.Contains("..", StringComparison.Ordinal)
            && !bucket.Contains(".-", StringComparison.Ordinal) && !bucket.Contains("-.", StringComparison.Ordinal)
            && !(bucket.Split('.') is { Length: 4 } quad && quad.All(q => q.Length > 0 && q.All(char.IsAsciiDigit)))
            && !ReservedPrefixes.Any(p => bucket.StartsWith(p, StringComparison.Ordinal))
            && !ReservedSuffixes.Any(s => bucket.EndsWith(s, StringComparison.Ordinal));
        if (!ok)
        {
            throw new S3Exception(S3ErrorCode.InvalidBucketName, "The specified bucket is not valid.").With("BucketName", bucket);
        }
    }
}
