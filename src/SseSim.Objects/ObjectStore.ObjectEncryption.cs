using System.Text.RegularExpressions;
using SseSim.Core.Aws;
using SseSim.Objects.Envelope;
using SseSim.Objects.Sse;

namespace SseSim.Objects;

/// <summary>
/// UpdateObjectEncryption: an SSE-S3 or SSE-KMS object moves to SSE-KMS under another key (optionally with a Bucket Key)
/// without touching its ciphertext. The data key stays; only what protects it changes: a fresh SSE-KMS key-encryption
/// key, wrapped as for a new object, wraps it (docs/formats/s3-metadata-records.md#wrappeddatakey). ETag, LastModified,
/// checksum, tags and metadata are kept, as AWS documents.
/// </summary>
public sealed partial class ObjectStore
{
    private static readonly Regex KeyArnPattern = new("^arn:aws[-a-z0-9]*:kms:[-a-z0-9]*:([0-9]{12}):key/.+$", RegexOptions.CultureInvariant);

    /// <returns>The x-amz-version-id to report (the version's id in a versioned bucket).</returns>
    public async Task<string?> UpdateObjectEncryptionAsync(
        Caller caller, string bucket, string key, string? versionId, string? kmsKeyArn, bool bucketKeyEnabled, CancellationToken cancellationToken = default)
    {
        if (caller.SignatureV2)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Requests that modify an object encryption configuration require Amazon Web Services Signature Version 4. Modify the request to use Amazon Web Services Signature Version 4, and then try again.");
        }
        if (string.IsNullOrEmpty(kmsKeyArn))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Requests that modify an object's encryption type to SSE-KMS require an Amazon Web Services KMS key Amazon Resource Name (ARN). Modify the request to specify a KMS key ARN, and then try again.");
        }
        var arn = KeyArnPattern.Match(kmsKeyArn);
        if (!arn.Success)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Requests that modify an object's encryption type to SSE-KMS require a valid Amazon Web Services KMS key Amazon Resource Name (ARN). Confirm that you have a correctly formatted KMS key ARN in your request, and then try again.");
        }
        var owner = LoadBucket(bucket, caller).Owner;
        if (arn.Groups[1].Value != owner)
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "The Amazon Web Services KMS key in the request must be owned by the same account as the bucket. Modify the request to specify a KMS key from the same account, and then try again.");
        }

        var (record, _, _) = FindTaggable(caller, bucket, key, versionId, "PUT");
        if (record.Encryption.Mode is not (SseMode.SseS3 or SseMode.SseKms))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "The UpdateObjectEncryption operation doesn't support source objects with the encryption type DSSE-KMS or SSE-C. Only source objects encrypted with SSE-S3 or SSE-KMS are supported.");
        }
        var binding = new EnvelopeBinding(bucket, record.Key, record.InstanceId, 0);
        var before = record.Encryption;
        using var dataKey = await OpenDataKeyAsync(caller, before, bucket, record.Key, record.InstanceId, null, cancellationToken).ConfigureAwait(false);
        using var plan = new EncryptionPlan { Mode = SseMode.SseKms, KmsKeyId = kmsKeyArn, BucketKey = bucketKeyEnabled };
        var (after, keyEncryptionKey) = await CreateDataKeyAsync(caller, plan, bucket, record.Key, record.InstanceId, cancellationToken).ConfigureAwait(false);
        using (keyEncryptionKey)
        {
            after.WrappedDataKey = SseS3KeyWrap.Wrap(keyEncryptionKey, dataKey, binding);
        }
        ObjectTrace.Step("s3:update-object-encryption", "the object's data key re-wrapped under the new KMS key; no ciphertext rewritten");

        return await UpdateObjectAsync(caller, bucket, key, versionId, "PUT", current =>
        {
            if (current.InstanceId != record.InstanceId || !SameWrapping(current.Encryption, before))
            {
                // Overwritten or re-encrypted while KMS was asked: the new wrapping belongs to data that is gone.
                throw new S3Exception("OperationAborted", "A conflicting conditional operation is currently in progress against this resource. Please try again.", 409);
            }
            current.Encryption = after;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static bool SameWrapping(EncryptionRecord a, EncryptionRecord b) =>
        a.Mode == b.Mode && (a.WrappedKey ?? []).AsSpan().SequenceEqual(b.WrappedKey) && (a.WrappedDataKey ?? []).AsSpan().SequenceEqual(b.WrappedDataKey);
}
