using SseSim.Core.Audit;
using SseSim.Core.Aws;
using SseSim.Objects;

namespace SseSim.Server.S3;

public sealed partial class S3Endpoint
{
    /// <summary>
    /// S3's data events (the S3 user guide's "object-level actions tracked by CloudTrail logging", plus the object
    /// listings and HeadBucket it logs as object-level): CloudTrail's event history (LookupEvents) never holds them, so
    /// only their refusals are recorded (for the dashboard). Every other operation is a management event, recorded
    /// whether it succeeds or fails. A request addressed to an object is a data event whatever its name.
    /// </summary>
    internal static readonly HashSet<string> DataEvents = new(StringComparer.Ordinal)
    {
        "GetObject", "HeadObject", "PutObject", "PostObject", "CopyObject", "DeleteObject", "DeleteObjects",
        "CreateMultipartUpload", "UploadPart", "UploadPartCopy", "CompleteMultipartUpload", "AbortMultipartUpload", "ListParts",
        "GetObjectAcl", "PutObjectAcl", "GetObjectTagging", "PutObjectTagging", "DeleteObjectTagging", "GetObjectAttributes",
        "GetObjectRetention", "PutObjectRetention", "GetObjectLegalHold", "PutObjectLegalHold", "UpdateObjectEncryption", "RestoreObject",
        "ListObjects", "ListObjectsV2", "ListObjectVersions", "ListMultipartUploads", "HeadBucket",
    };

    // Query members that are the signature (presigned URLs), not request parameters.
    private static bool IsSignatureParameter(string name) =>
        name.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase) || name is "Signature" or "AWSAccessKeyId" or "Expires";

    /// <summary>
    /// Audits an S3 call in CloudTrail's shape: every management event (bucket-level call), and the AccessDenied of any
    /// call a signed-in caller made. A call on another account's bucket goes to the caller's trail and to the owner's,
    /// as CloudTrail delivers a cross-account S3 call to both (docs/security.md#cross-account). Only the query (no body,
    /// no SSE-C header) is logged, so no secret reaches the trail.
    /// </summary>
    private static void Audit(IAuditSink audit, ObjectStore store, HttpContext context, Caller caller, string operation, string? bucket, string? key,
        S3Exception? error, string requestId, bool dataEvent)
    {
        var request = context.Request;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var resources = new List<AuditResource>();
        var owner = bucket is null ? null : store.BucketOwner(bucket) ?? (error is null ? caller.AccountId : null);
        if (bucket is not null)
        {
            parameters["bucketName"] = bucket;
        }
        parameters["Host"] = request.Host.Value ?? "";
        if (key is not null)
        {
            parameters["key"] = key;
        }
        foreach (var (name, value) in request.Query)
        {
            if (!IsSignatureParameter(name))
            {
                parameters[name] = value.ToString();
            }
        }
        if (bucket is not null)
        {
            if (key is not null)
            {
                resources.Add(new AuditResource("AWS::S3::Object", $"arn:aws:s3:::{bucket}/{key}"));
            }
            resources.Add(new AuditResource("AWS::S3::Bucket", $"arn:aws:s3:::{bucket}", owner));
        }
        var readOnly = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        var record = new AuditRecord("s3.amazonaws.com", operation, caller, error?.Code, error?.Message, parameters, resources, readOnly, dataEvent)
        {
            RequestId = requestId,
            AdditionalEventData = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["SignatureVersion"] = caller.SignatureV2 ? "SigV2" : "SigV4",
                ["AuthenticationMethod"] = request.Headers.Authorization.Count > 0 ? "AuthHeader" : "QueryString",
                ["x-amz-id-2"] = requestId,
            },
        };
        if (owner is not null && owner != caller.AccountId && operation != "CreateBucket")
        {
            audit.RecordShared(record, owner);
        }
        else
        {
            audit.Record(record);
        }
    }
}
