using SseSim.Core.Audit;
using SseSim.Core.Aws;
using SseSim.Objects;

namespace SseSim.Server.S3;

public sealed partial class S3Endpoint
{
    /// <summary>
    /// An AccessDenied answered to a signed-in caller goes to the caller's trail, and to the bucket owner's trail when the
    /// bucket belongs to another account, as CloudTrail delivers a cross-account S3 call to both (docs/security.md#cross-account).
    /// </summary>
    private static void AuditRefusal(IAuditSink audit, ObjectStore store, Caller caller, string operation, string? bucket, string? key, S3Exception error, string method)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var resources = new List<AuditResource>();
        var owner = bucket is null ? null : store.BucketOwner(bucket);
        if (bucket is not null)
        {
            parameters["bucketName"] = bucket;
            if (key is not null)
            {
                parameters["key"] = key;
                resources.Add(new AuditResource("AWS::S3::Object", $"arn:aws:s3:::{bucket}/{key}"));
            }
            resources.Add(new AuditResource("AWS::S3::Bucket", $"arn:aws:s3:::{bucket}", owner));
        }
        var readOnly = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        var record = new AuditRecord("s3.amazonaws.com", operation, caller, error.Code, error.Message, parameters, resources, readOnly, DataEvent: key is not null);
        if (owner is not null && owner != caller.AccountId)
        {
            audit.RecordShared(record, owner);
        }
        else
        {
            audit.Record(record);
        }
    }
}
