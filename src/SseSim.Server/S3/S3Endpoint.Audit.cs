using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using SseSim.Core.Audit;
using SseSim.Core.Aws;
using SseSim.Objects;

namespace SseSim.Server.S3;

public sealed partial class S3Endpoint
{
    /// <summary>
    /// S3's data events (the S3 user guide's "object-level actions tracked by CloudTrail logging", plus the object
    /// listings and HeadBucket it logs as object-level): CloudTrail's event history (LookupEvents) never holds them, so
    /// only their refusals are recorded (for the dashboard), and successes while a trail selects them (for its log
    /// files; S3Endpoint.HandleAsync). Every other operation is a management event, recorded
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

    /// <summary>Where S3Body leaves a bucket-level request's document (HttpContext.Items) for its event.</summary>
    internal const string AuditedBodyKey = "SseSim.S3.AuditedBody";

    /// <summary>
    /// Audits an S3 call in CloudTrail's shape: every management event (bucket-level call), and the AccessDenied of any
    /// call a signed-in caller made. A call on another account's bucket goes to the caller's trail and to the owner's,
    /// as CloudTrail delivers a cross-account S3 call to both (docs/security.md#cross-account). The query and a
    /// bucket's configuration document are logged (never an object body or an SSE-C header), so no secret reaches the
    /// trail; the document is turned into JSON on the audit writer.
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
        var body = key is null ? context.Items[AuditedBodyKey] as byte[] : null;
        // The members and their order of AWS's S3 events (e.g. GetBucketVersioning, CreateBucket, ListBuckets as
        // recorded in public detection-rule test data): the byte counts are numbers. SseSim serves plain HTTP, so there
        // is no CipherSuite (nor tlsDetails).
        var additional = new JsonObject
        {
            ["SignatureVersion"] = caller.SignatureV2 ? "SigV2" : "SigV4",
            ["bytesTransferredIn"] = body?.Length ?? 0,
            ["AuthenticationMethod"] = request.Headers.Authorization.Count > 0 ? "AuthHeader" : "QueryString",
            ["x-amz-id-2"] = requestId,
            ["bytesTransferredOut"] = context.Response.ContentLength ?? 0,
        };
        var record = new AuditRecord("s3.amazonaws.com", EventName(operation), caller, error?.Code, error?.Message, parameters, resources, readOnly, dataEvent)
        {
            RequestId = requestId,
            AdditionalEventData = additional,
            Complete = body is { Length: > 0 } ? r => r with { RequestObject = WithDocument(r.RequestParameters, operation, body) } : null,
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
    /// <summary>
    /// CloudTrail's name for the operation: the public access block calls are logged as Put/Get/DeleteBucketPublicAccessBlock
    /// (AWS's PutBucketPublicAccessBlock event in Panther's rule test data), the API's names elsewhere.
    /// </summary>
    internal static string EventName(string operation) => operation switch
    {
        "PutPublicAccessBlock" => "PutBucketPublicAccessBlock",
        "GetPublicAccessBlock" => "GetBucketPublicAccessBlock",
        "DeletePublicAccessBlock" => "DeleteBucketPublicAccessBlock",
        _ => operation,
    };

    /// <summary>
    /// requestParameters with the request's document, as AWS logs it: a bucket policy parsed as JSON under
    /// <c>bucketPolicy</c> (PutBucketPolicy), any other document (CreateBucketConfiguration,
    /// ServerSideEncryptionConfiguration, Tagging...) under its root element's name, its attributes (xmlns) and child
    /// elements as members, repeated elements as arrays and true/false as booleans, as in AWS's
    /// PutBucketPublicAccessBlock event. A document that does not parse is left out.
    /// </summary>
    internal static JsonObject WithDocument(IReadOnlyDictionary<string, string> query, string operation, byte[] body)
    {
        var parameters = new JsonObject();
        foreach (var (name, value) in query)
        {
            parameters[name] = value;
        }
        try
        {
            if (operation == "PutBucketPolicy")
            {
                parameters["bucketPolicy"] = JsonNode.Parse(body);
            }
            else
            {
                var root = XDocument.Parse(System.Text.Encoding.UTF8.GetString(body)).Root!;
                parameters[root.Name.LocalName] = ToJson(root);
            }
        }
        catch (Exception e) when (e is JsonException or XmlException or ArgumentException)
        {
            // Not a document S3 would have accepted: the event keeps the query only.
        }
        return parameters;
    }

    private static JsonNode? ToJson(XElement element)
    {
        if (!element.HasElements && element.Value.Length > 0)
        {
            return element.Value switch
            {
                "true" => JsonValue.Create(true),
                "false" => JsonValue.Create(false),
                var text => JsonValue.Create(text),
            };
        }
        var json = new JsonObject();
        foreach (var attribute in element.Attributes())
        {
            json[AttributeName(element, attribute)] = attribute.Value;
        }
        foreach (var group in element.Elements().GroupBy(e => e.Name.LocalName))
        {
            json[group.Key] = group.Count() == 1 ? ToJson(group.First()) : new JsonArray([.. group.Select(ToJson)]);
        }
        return json;
    }

    // xmlns, xmlns:xsi and xsi:type as written in the document.
    private static string AttributeName(XElement element, XAttribute attribute)
    {
        if (attribute.IsNamespaceDeclaration)
        {
            return attribute.Name.Namespace == XNamespace.None ? "xmlns" : "xmlns:" + attribute.Name.LocalName;
        }
        return attribute.Name.Namespace == XNamespace.None || element.GetPrefixOfNamespace(attribute.Name.Namespace) is not { } prefix
            ? attribute.Name.LocalName
            : prefix + ":" + attribute.Name.LocalName;
    }
}
