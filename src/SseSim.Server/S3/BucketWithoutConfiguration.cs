namespace SseSim.Server.S3;

/// <summary>
/// Bucket configurations SseSim cannot hold (website, replication, Object Lock, and so on): every
/// bucket is as a new AWS bucket is without them, so reads answer what AWS answers for such a bucket and deletes have
/// nothing to remove. Putting one stays NotImplemented (S3Dispatch), rather than being stored and ignored, unless the
/// document asks for the state the bucket is already in (<see cref="BucketDefaultConfiguration"/>).
/// </summary>
internal static class BucketWithoutConfiguration
{
    /// <summary>The 404 AWS answers when the bucket has no such configuration (after NoSuchBucket, as on AWS).</summary>
    public static async Task NotFoundAsync(S3Call call, string code, string message)
    {
        await call.Store.HeadBucketAsync(call.Caller, call.BucketName, call.Aborted);
        throw S3Errors.Error(code, message, 404);
    }

    /// <summary>A 200 document in its default state.</summary>
    public static async Task DefaultAsync(S3Call call, string root, Action<System.Xml.XmlWriter>? body = null)
    {
        await call.Store.HeadBucketAsync(call.Caller, call.BucketName, call.Aborted);
        await S3Xml.WriteAsync(call.Response, root, body ?? (_ => { }));
    }

    /// <summary>204: deleting a configuration the bucket does not have succeeds, as on AWS.</summary>
    public static async Task DeletedAsync(S3Call call)
    {
        await call.Store.HeadBucketAsync(call.Caller, call.BucketName, call.Aborted);
        call.Response.StatusCode = 204;
    }

    /// <summary>
    /// A configuration kept by id (analytics, inventory, metrics, Intelligent-Tiering) that the bucket does not have:
    /// 404 NoSuchConfiguration for Get and Delete alike.
    /// </summary>
    public static Task NoSuchConfigurationAsync(S3Call call) =>
        NotFoundAsync(call, "NoSuchConfiguration", "The specified configuration does not exist.");

    /// <summary>The list of configurations kept by id, with none in it.</summary>
    public static Task EmptyListAsync(S3Call call, string root) =>
        DefaultAsync(call, root, x => x.WriteElementString("IsTruncated", S3Xml.Namespace, "false"));
}
