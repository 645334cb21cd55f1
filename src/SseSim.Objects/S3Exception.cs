using System.Diagnostics.CodeAnalysis;
using SseSim.Core.Keys;

namespace SseSim.Objects;

/// <summary>AWS S3 error codes (botocore s3 model and AWS "Error responses" page) with their HTTP status.</summary>
public static class S3ErrorCode
{
    public const string AccessDenied = "AccessDenied";
    public const string BadRequest = "BadRequest";
    public const string BadDigest = "BadDigest";
    public const string BucketAlreadyExists = "BucketAlreadyExists";
    public const string BucketAlreadyOwnedByYou = "BucketAlreadyOwnedByYou";
    public const string BucketNotEmpty = "BucketNotEmpty";
    public const string EntityTooLarge = "EntityTooLarge";
    public const string EntityTooSmall = "EntityTooSmall";
    public const string InternalError = "InternalError";
    public const string InvalidArgument = "InvalidArgument";
    public const string InvalidBucketName = "InvalidBucketName";
    public const string InvalidDigest = "InvalidDigest";
    public const string InvalidEncryptionAlgorithmError = "InvalidEncryptionAlgorithmError";
    public const string InvalidPart = "InvalidPart";
    public const string InvalidPartOrder = "InvalidPartOrder";
    public const string InvalidRange = "InvalidRange";
    public const string InvalidRequest = "InvalidRequest";
    public const string InvalidObjectState = "InvalidObjectState";
    public const string InvalidTag = "InvalidTag";
    public const string KeyTooLongError = "KeyTooLongError";
    public const string MalformedPolicy = "MalformedPolicy";
    public const string MalformedXML = "MalformedXML";
    public const string NoSuchBucket = "NoSuchBucket";
    public const string NoSuchBucketPolicy = "NoSuchBucketPolicy";
    public const string NoSuchKey = "NoSuchKey";
    public const string NoSuchTagSet = "NoSuchTagSet";
    public const string NoSuchUpload = "NoSuchUpload";
    public const string NotImplemented = "NotImplemented";
    public const string NotModified = "NotModified";
    public const string PreconditionFailed = "PreconditionFailed";
    public const string RestoreAlreadyInProgress = "RestoreAlreadyInProgress";
    public const string ConditionalRequestConflict = "ConditionalRequestConflict";
    public const string ServerSideEncryptionConfigurationNotFoundError = "ServerSideEncryptionConfigurationNotFoundError";
    public const string KmsDisabled = "KMS.DisabledException";
    public const string KmsInvalidState = "KMS.KMSInvalidStateException";
    public const string KmsNotFound = "KMS.NotFoundException";

    public static int StatusOf(string code) => code switch
    {
        NotModified => 304,
        AccessDenied or InvalidObjectState => 403,
        NoSuchBucket or NoSuchKey or NoSuchUpload or NoSuchBucketPolicy or NoSuchTagSet or ServerSideEncryptionConfigurationNotFoundError => 404,
        BucketAlreadyExists or BucketAlreadyOwnedByYou or BucketNotEmpty or ConditionalRequestConflict or RestoreAlreadyInProgress => 409,
        PreconditionFailed => 412,
        "MethodNotAllowed" => 405,
        InvalidRange => 416,
        InternalError => 500,
        NotImplemented => 501,
        _ => 400,
    };
}

/// <summary>
/// A domain failure carrying the S3 error code and HTTP status; the HTTP layer renders it as the S3 &lt;Error&gt; XML
/// (no body for HEAD). <see cref="S3ErrorCode.NotModified"/> (304) is raised for GET/HEAD conditionals.
/// </summary>
public sealed class S3Exception : Exception
{
    public S3Exception(string code, string message, int? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        StatusCode = statusCode ?? S3ErrorCode.StatusOf(code);
    }

    public string Code { get; }

    public int StatusCode { get; }

    /// <summary>Extra XML fields (BucketName, Key, ArgumentName, ArgumentValue, …).</summary>
    public IDictionary<string, string> Details { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Set on the InvalidArgument for a version id S3 could not have issued (any but "null" in a bucket that never had
    /// versioning, or one that fails the check of <c>ObjectStore.SequenceOf</c>), which DeleteObjects reports as NoSuchVersion instead.
    /// </summary>
    internal bool VersionIdNeverIssued { get; init; }

    /// <summary>Response headers the error carries (a delete marker's x-amz-delete-marker and x-amz-version-id).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public S3Exception With(string field, string value)
    {
        Details[field] = value;
        return this;
    }

    /// <summary>Maps a KMS failure the way S3 surfaces it (reference/s3.md §0.3, §1.3).</summary>
    public static S3Exception FromKeyService(KeyServiceException e) => e.ErrorCode switch
    {
        "AccessDeniedException" => new S3Exception(S3ErrorCode.AccessDenied, e.Message, 403, e),
        "DisabledException" => new S3Exception(S3ErrorCode.KmsDisabled, e.Message, 400, e),
        "KMSInvalidStateException" => new S3Exception(S3ErrorCode.KmsInvalidState, e.Message, 400, e),
        "NotFoundException" => new S3Exception(S3ErrorCode.KmsNotFound, UnquotedKeyId(e.Message), 400, e),
        // KMS server faults and throttling reach the S3 client in S3's own words, so SDKs retry them as S3 errors.
        "KMSInternalException" or "DependencyTimeoutException" or "KeyUnavailableException" =>
            new S3Exception(S3ErrorCode.InternalError, "We encountered an internal error. Please try again.", 500, e),
        "ThrottlingException" or "LimitExceededException" => new S3Exception("SlowDown", "Please reduce your request rate.", 503, e),
        _ => new S3Exception("KMS." + e.ErrorCode, e.Message, 400, e),
    };

    // KMS says "Invalid keyId 'x'"; S3 passes it on without the quotes ("Invalid keyId fake-key-id", recorded from AWS in
    // LocalStack's test_s3.py TestS3::test_s3_sse_validate_kms_key for PutObject, CreateMultipartUpload and CopyObject).
    private static string UnquotedKeyId(string message) =>
        message.StartsWith("Invalid keyId '", StringComparison.Ordinal) && message.EndsWith('\'')
            ? "Invalid keyId " + message["Invalid keyId '".Length..^1]
            : message;

    [DoesNotReturn]
    internal static void Throw(string code, string message) => throw new S3Exception(code, message);

    internal static S3Exception NoSuchBucket(string bucket) =>
        new S3Exception(S3ErrorCode.NoSuchBucket, "The specified bucket does not exist").With("BucketName", bucket);

    internal static S3Exception IncompleteBody() =>
        new("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.");

    /// <summary>MalformedXML (400) with S3's wording, for every request document that does not validate.</summary>
    public static S3Exception MalformedXml() =>
        new(S3ErrorCode.MalformedXML, "The XML you provided was not well-formed or did not validate against our published schema");

    internal static S3Exception NoSuchKey(string key) =>
        new S3Exception(S3ErrorCode.NoSuchKey, "The specified key does not exist.").With("Key", key);

    internal static S3Exception NoSuchUpload(string uploadId) =>
        new S3Exception(S3ErrorCode.NoSuchUpload, "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.").With("UploadId", uploadId);

    internal static S3Exception InvalidArgument(string message, string? argumentName = null, string? argumentValue = null)
    {
        var e = new S3Exception(S3ErrorCode.InvalidArgument, message);
        if (argumentName is not null)
        {
            e.With("ArgumentName", argumentName);
        }
        if (argumentValue is not null)
        {
            e.With("ArgumentValue", argumentValue);
        }
        return e;
    }
}
