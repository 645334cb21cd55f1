namespace SseSim.Server.S3;

/// <summary>PUT /bucket?versioning: SseSim keeps one version per object, so turning versioning on is refused plainly.</summary>
internal static class PutBucketVersioning
{
    public static Task HandleAsync(S3Call call) =>
        throw S3Errors.Error("NotImplemented", "Bucket versioning is not implemented by SseSim: every bucket stays unversioned.", 501);
}
