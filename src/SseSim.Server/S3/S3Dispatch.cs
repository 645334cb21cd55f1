namespace SseSim.Server.S3;

internal enum S3Target
{
    Service,
    Bucket,
    Object,
}

/// <summary>One S3 operation: its name, the IAM action a bucket policy is checked against (null: not checked), and its handler.</summary>
internal sealed record S3Route(string Operation, string? PolicyAction, Func<S3Call, Task> Handler)
{
    /// <summary>A CloudTrail management event (bucket-level), audited on every call; object calls are data events.</summary>
    public bool ManagementEvent { get; } = !S3Endpoint.DataEvents.Contains(Operation);
}

/// <summary>
/// The explicit (method, target, subresource) → operation table. The subresource is the first recognised query
/// parameter; an x-amz-copy-source header on a PUT turns PutObject into CopyObject and UploadPart into UploadPartCopy.
/// PostObject (POST /bucket with a multipart/form-data body and no Authorization header) is not in the table: its
/// credentials are form fields, so S3Endpoint hands it to <see cref="PostObject"/> before header authentication.
/// </summary>
internal static class S3Dispatch
{
    private const string Copy = "+copy";
    private const string List = "+list";

    // Configurations kept by id: a GET names one with ?id=, a GET without it lists them all.
    private static readonly HashSet<string> IdConfigurations = new(StringComparer.Ordinal) { "analytics", "inventory", "metrics", "intelligent-tiering" };

    private static readonly string[] BucketSubresources =
    [
        "encryption", "policy", "location", "uploads", "delete", "list-type", "acl", "versioning", "versions", "tagging",
        "cors", "website", "lifecycle", "replication", "object-lock", "accelerate", "logging", "notification", "requestPayment", "ownershipControls",
        "publicAccessBlock", "policyStatus", "analytics", "inventory", "metrics", "intelligent-tiering",
    ];
    private static readonly string[] ObjectSubresources = ["uploads", "uploadId", "acl", "tagging", "attributes", "encryption", "retention", "legal-hold", "restore"];

    // Recognised but not simulated: answering NotImplemented beats silently treating them as a plain GET/PUT.
    private static readonly HashSet<string> Unsupported = new(StringComparer.Ordinal)
    {
        "cors", "lifecycle", "website", "logging", "notification", "replication",
        "ownershipControls", "publicAccessBlock", "accelerate",
        "requestPayment", "analytics", "inventory", "metrics", "intelligent-tiering", "torrent", "restore", "select",
        "metadataTable", "metadataConfiguration", "metadataInventoryTable", "metadataJournalTable",
        "session", "abac", "select-type",
    };

    // Object subresources S3 knows that SseSim does not simulate; as object requests they would otherwise be a plain
    // PUT, i.e. create an object (RenameObject).
    private static readonly HashSet<string> UnsupportedOnObjects = new(StringComparer.Ordinal) { "renameObject" };

    private static readonly Dictionary<(string Method, S3Target Target, string Subresource), S3Route> Table = new()
    {
        [("GET", S3Target.Service, "")] = new("ListBuckets", null, ListBuckets.HandleAsync),

        [("PUT", S3Target.Bucket, "")] = new("CreateBucket", null, CreateBucket.HandleAsync),
        [("HEAD", S3Target.Bucket, "")] = new("HeadBucket", "s3:ListBucket", HeadBucket.HandleAsync),
        [("DELETE", S3Target.Bucket, "")] = new("DeleteBucket", "s3:DeleteBucket", DeleteBucket.HandleAsync),
        [("GET", S3Target.Bucket, "location")] = new("GetBucketLocation", "s3:GetBucketLocation", GetBucketLocation.HandleAsync),
        [("PUT", S3Target.Bucket, "encryption")] = new("PutBucketEncryption", "s3:PutEncryptionConfiguration", PutBucketEncryption.HandleAsync),
        [("GET", S3Target.Bucket, "encryption")] = new("GetBucketEncryption", "s3:GetEncryptionConfiguration", GetBucketEncryption.HandleAsync),
        [("DELETE", S3Target.Bucket, "encryption")] = new("DeleteBucketEncryption", "s3:PutEncryptionConfiguration", DeleteBucketEncryption.HandleAsync),
        // The owner can always manage the policy itself (as the AWS account root can), so these are not policy-checked.
        [("PUT", S3Target.Bucket, "policy")] = new("PutBucketPolicy", null, PutBucketPolicy.HandleAsync),
        [("GET", S3Target.Bucket, "policy")] = new("GetBucketPolicy", null, GetBucketPolicy.HandleAsync),
        [("DELETE", S3Target.Bucket, "policy")] = new("DeleteBucketPolicy", null, DeleteBucketPolicy.HandleAsync),
        [("GET", S3Target.Bucket, "policyStatus")] = new("GetBucketPolicyStatus", "s3:GetBucketPolicyStatus", GetBucketPolicyStatus.HandleAsync),
        [("GET", S3Target.Bucket, "")] = new("ListObjects", "s3:ListBucket", ListObjects.HandleAsync),
        [("GET", S3Target.Bucket, "list-type")] = new("ListObjectsV2", "s3:ListBucket", ListObjectsV2.HandleAsync),
        [("GET", S3Target.Bucket, "uploads")] = new("ListMultipartUploads", "s3:ListBucketMultipartUploads", ListMultipartUploads.HandleAsync),
        [("POST", S3Target.Bucket, "delete")] = new("DeleteObjects", null, DeleteObjects.HandleAsync),
        [("GET", S3Target.Bucket, "acl")] = new("GetBucketAcl", "s3:GetBucketAcl", GetBucketAcl.HandleAsync),
        [("PUT", S3Target.Bucket, "acl")] = new("PutBucketAcl", "s3:PutBucketAcl", PutBucketAcl.HandleAsync),
        [("GET", S3Target.Bucket, "versioning")] = new("GetBucketVersioning", "s3:GetBucketVersioning", GetBucketVersioning.HandleAsync),
        [("PUT", S3Target.Bucket, "versioning")] = new("PutBucketVersioning", "s3:PutBucketVersioning", PutBucketVersioning.HandleAsync),
        [("GET", S3Target.Bucket, "versions")] = new("ListObjectVersions", "s3:ListBucketVersions", ListObjectVersions.HandleAsync),
        [("PUT", S3Target.Bucket, "tagging")] = new("PutBucketTagging", "s3:PutBucketTagging", PutBucketTagging.HandleAsync),
        [("GET", S3Target.Bucket, "tagging")] = new("GetBucketTagging", "s3:GetBucketTagging", GetBucketTagging.HandleAsync),
        // AWS has no s3:DeleteBucketTagging action: removing the tag set needs s3:PutBucketTagging.
        [("DELETE", S3Target.Bucket, "tagging")] = new("DeleteBucketTagging", "s3:PutBucketTagging", DeleteBucketTagging.HandleAsync),

        // Stored and returned, not enforced (README): CORS, lifecycle, public access block.
        [("PUT", S3Target.Bucket, "cors")] = new("PutBucketCors", "s3:PutBucketCORS", PutBucketCors.HandleAsync),
        [("GET", S3Target.Bucket, "cors")] = new("GetBucketCors", "s3:GetBucketCORS", GetBucketCors.HandleAsync),
        [("DELETE", S3Target.Bucket, "cors")] = new("DeleteBucketCors", "s3:PutBucketCORS", DeleteBucketCors.HandleAsync),
        [("PUT", S3Target.Bucket, "lifecycle")] = new("PutBucketLifecycleConfiguration", "s3:PutLifecycleConfiguration", PutBucketLifecycleConfiguration.HandleAsync),
        [("GET", S3Target.Bucket, "lifecycle")] = new("GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration", GetBucketLifecycleConfiguration.HandleAsync),
        [("DELETE", S3Target.Bucket, "lifecycle")] = new("DeleteBucketLifecycle", "s3:PutLifecycleConfiguration", DeleteBucketLifecycle.HandleAsync),
        [("PUT", S3Target.Bucket, "publicAccessBlock")] = new("PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock", PutPublicAccessBlock.HandleAsync),
        [("GET", S3Target.Bucket, "publicAccessBlock")] = new("GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", GetPublicAccessBlock.HandleAsync),
        [("DELETE", S3Target.Bucket, "publicAccessBlock")] = new("DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock", DeletePublicAccessBlock.HandleAsync),

        // Object Lock (docs/formats/s3-metadata-records.md#object-lock); its object subresources are below.
        [("PUT", S3Target.Bucket, "object-lock")] = new("PutObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration", PutObjectLockConfiguration.HandleAsync),
        [("GET", S3Target.Bucket, "object-lock")] = new("GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration", GetObjectLockConfiguration.HandleAsync),

        // Configurations SseSim does not hold: reads and deletes answer as for an AWS bucket without them, puts are NotImplemented
        // unless they ask for that same state (below).
        [("GET", S3Target.Bucket, "website")] = new("GetBucketWebsite", "s3:GetBucketWebsite", GetBucketWebsite.HandleAsync),
        [("DELETE", S3Target.Bucket, "website")] = new("DeleteBucketWebsite", "s3:DeleteBucketWebsite", DeleteBucketWebsite.HandleAsync),
        [("GET", S3Target.Bucket, "replication")] = new("GetBucketReplication", "s3:GetReplicationConfiguration", GetBucketReplication.HandleAsync),
        [("DELETE", S3Target.Bucket, "replication")] = new("DeleteBucketReplication", "s3:PutReplicationConfiguration", DeleteBucketReplication.HandleAsync),
        [("GET", S3Target.Bucket, "accelerate")] = new("GetBucketAccelerateConfiguration", "s3:GetAccelerateConfiguration", GetBucketAccelerateConfiguration.HandleAsync),
        [("GET", S3Target.Bucket, "logging")] = new("GetBucketLogging", "s3:GetBucketLogging", GetBucketLogging.HandleAsync),
        [("GET", S3Target.Bucket, "notification")] = new("GetBucketNotificationConfiguration", "s3:GetBucketNotification", GetBucketNotificationConfiguration.HandleAsync),
        [("GET", S3Target.Bucket, "requestPayment")] = new("GetBucketRequestPayment", "s3:GetBucketRequestPayment", GetBucketRequestPayment.HandleAsync),
        [("GET", S3Target.Bucket, "ownershipControls")] = new("GetBucketOwnershipControls", "s3:GetBucketOwnershipControls", GetBucketOwnershipControls.HandleAsync),
        // Puts of the state every bucket is always in succeed; any other setting is NotImplemented (BucketDefaultConfiguration).
        [("PUT", S3Target.Bucket, "ownershipControls")] = new("PutBucketOwnershipControls", "s3:PutBucketOwnershipControls", PutBucketOwnershipControls.HandleAsync),
        [("PUT", S3Target.Bucket, "requestPayment")] = new("PutBucketRequestPayment", "s3:PutBucketRequestPayment", PutBucketRequestPayment.HandleAsync),
        [("PUT", S3Target.Bucket, "logging")] = new("PutBucketLogging", "s3:PutBucketLogging", PutBucketLogging.HandleAsync),
        [("PUT", S3Target.Bucket, "accelerate")] = new("PutBucketAccelerateConfiguration", "s3:PutAccelerateConfiguration", PutBucketAccelerateConfiguration.HandleAsync),
        [("PUT", S3Target.Bucket, "notification")] = new("PutBucketNotificationConfiguration", "s3:PutBucketNotification", PutBucketNotificationConfiguration.HandleAsync),
        // Kept by id; the bucket has none, so lists are empty and an id names nothing (puts stay NotImplemented).
        [("GET", S3Target.Bucket, "analytics")] = new("GetBucketAnalyticsConfiguration", "s3:GetAnalyticsConfiguration", GetBucketAnalyticsConfiguration.HandleAsync),
        [("GET", S3Target.Bucket, "analytics" + List)] = new("ListBucketAnalyticsConfigurations", "s3:GetAnalyticsConfiguration", ListBucketAnalyticsConfigurations.HandleAsync),
        [("DELETE", S3Target.Bucket, "analytics")] = new("DeleteBucketAnalyticsConfiguration", "s3:PutAnalyticsConfiguration", DeleteBucketAnalyticsConfiguration.HandleAsync),
        [("GET", S3Target.Bucket, "inventory")] = new("GetBucketInventoryConfiguration", "s3:GetInventoryConfiguration", GetBucketInventoryConfiguration.HandleAsync),
        [("GET", S3Target.Bucket, "inventory" + List)] = new("ListBucketInventoryConfigurations", "s3:GetInventoryConfiguration", ListBucketInventoryConfigurations.HandleAsync),
        [("DELETE", S3Target.Bucket, "inventory")] = new("DeleteBucketInventoryConfiguration", "s3:PutInventoryConfiguration", DeleteBucketInventoryConfiguration.HandleAsync),
        [("GET", S3Target.Bucket, "metrics")] = new("GetBucketMetricsConfiguration", "s3:GetMetricsConfiguration", GetBucketMetricsConfiguration.HandleAsync),
        [("GET", S3Target.Bucket, "metrics" + List)] = new("ListBucketMetricsConfigurations", "s3:GetMetricsConfiguration", ListBucketMetricsConfigurations.HandleAsync),
        [("DELETE", S3Target.Bucket, "metrics")] = new("DeleteBucketMetricsConfiguration", "s3:PutMetricsConfiguration", DeleteBucketMetricsConfiguration.HandleAsync),
        [("GET", S3Target.Bucket, "intelligent-tiering")] = new("GetBucketIntelligentTieringConfiguration", "s3:GetIntelligentTieringConfiguration", GetBucketIntelligentTieringConfiguration.HandleAsync),
        [("GET", S3Target.Bucket, "intelligent-tiering" + List)] = new("ListBucketIntelligentTieringConfigurations", "s3:GetIntelligentTieringConfiguration", ListBucketIntelligentTieringConfigurations.HandleAsync),
        [("DELETE", S3Target.Bucket, "intelligent-tiering")] = new("DeleteBucketIntelligentTieringConfiguration", "s3:PutIntelligentTieringConfiguration", DeleteBucketIntelligentTieringConfiguration.HandleAsync),

        [("PUT", S3Target.Object, "")] = new("PutObject", "s3:PutObject", PutObject.HandleAsync),
        [("PUT", S3Target.Object, Copy)] = new("CopyObject", "s3:PutObject", CopyObject.HandleAsync),
        [("GET", S3Target.Object, "")] = new("GetObject", "s3:GetObject", GetObject.HandleAsync),
        [("HEAD", S3Target.Object, "")] = new("HeadObject", "s3:GetObject", HeadObject.HandleAsync),
        [("DELETE", S3Target.Object, "")] = new("DeleteObject", "s3:DeleteObject", DeleteObject.HandleAsync),
        [("POST", S3Target.Object, "uploads")] = new("CreateMultipartUpload", "s3:PutObject", CreateMultipartUpload.HandleAsync),
        // Parts carry no SSE headers, so SSE conditions are enforced on CreateMultipartUpload only.
        [("PUT", S3Target.Object, "uploadId")] = new("UploadPart", null, UploadPart.HandleAsync),
        [("PUT", S3Target.Object, "uploadId" + Copy)] = new("UploadPartCopy", null, UploadPartCopy.HandleAsync),
        [("POST", S3Target.Object, "uploadId")] = new("CompleteMultipartUpload", null, CompleteMultipartUpload.HandleAsync),
        [("DELETE", S3Target.Object, "uploadId")] = new("AbortMultipartUpload", "s3:AbortMultipartUpload", AbortMultipartUpload.HandleAsync),
        [("GET", S3Target.Object, "uploadId")] = new("ListParts", "s3:ListMultipartUploadParts", ListParts.HandleAsync),
        [("GET", S3Target.Object, "attributes")] = new("GetObjectAttributes", "s3:GetObjectAttributes", GetObjectAttributes.HandleAsync),
        [("PUT", S3Target.Object, "encryption")] = new("UpdateObjectEncryption", "s3:UpdateObjectEncryption", UpdateObjectEncryption.HandleAsync),
        [("GET", S3Target.Object, "acl")] = new("GetObjectAcl", "s3:GetObjectAcl", GetObjectAcl.HandleAsync),
        [("PUT", S3Target.Object, "acl")] = new("PutObjectAcl", "s3:PutObjectAcl", PutObjectAcl.HandleAsync),
        // Checked by the handler once the body's tags are known (s3:RequestObjectTag conditions).
        [("PUT", S3Target.Object, "tagging")] = new("PutObjectTagging", null, PutObjectTagging.HandleAsync),
        [("GET", S3Target.Object, "tagging")] = new("GetObjectTagging", "s3:GetObjectTagging", GetObjectTagging.HandleAsync),
        [("DELETE", S3Target.Object, "tagging")] = new("DeleteObjectTagging", "s3:DeleteObjectTagging", DeleteObjectTagging.HandleAsync),
        [("PUT", S3Target.Object, "retention")] = new("PutObjectRetention", "s3:PutObjectRetention", PutObjectRetention.HandleAsync),
        [("GET", S3Target.Object, "retention")] = new("GetObjectRetention", "s3:GetObjectRetention", GetObjectRetention.HandleAsync),
        [("POST", S3Target.Object, "restore")] = new("RestoreObject", "s3:RestoreObject", RestoreObject.HandleAsync),
        [("PUT", S3Target.Object, "legal-hold")] = new("PutObjectLegalHold", "s3:PutObjectLegalHold", PutObjectLegalHold.HandleAsync),
        [("GET", S3Target.Object, "legal-hold")] = new("GetObjectLegalHold", "s3:GetObjectLegalHold", GetObjectLegalHold.HandleAsync),
    };

    public static S3Route Find(HttpRequest request, S3Target target)
    {
        var query = request.Query;
        var subresource = "";
        foreach (var name in target switch { S3Target.Bucket => BucketSubresources, S3Target.Object => ObjectSubresources, _ => [] })
        {
            if (query.ContainsKey(name))
            {
                subresource = name;
                break;
            }
        }
        if (subresource.Length == 0 && query.Keys.FirstOrDefault(k => Unsupported.Contains(k) || (target == S3Target.Object && UnsupportedOnObjects.Contains(k))) is { } unsupported)
        {
            throw S3Errors.Error("NotImplemented", $"The '{unsupported}' subresource is not implemented by SseSim.", 501);
        }
        if (IdConfigurations.Contains(subresource) && HttpMethods.IsGet(request.Method) && !query.ContainsKey("id"))
        {
            subresource += List;
        }
        if (target == S3Target.Object && HttpMethods.IsPut(request.Method) && request.Headers.ContainsKey("x-amz-copy-source"))
        {
            subresource += Copy;
        }
        if (Table.TryGetValue((request.Method.ToUpperInvariant(), target, subresource), out var route))
        {
            return route;
        }
        if (Unsupported.Contains(subresource))
        {
            throw S3Errors.Error("NotImplemented", $"The '{subresource}' subresource is not implemented by SseSim for {request.Method}.", 501);
        }
        throw S3Errors.Error("MethodNotAllowed", "The specified method is not allowed against this resource.", 405);
    }
}
