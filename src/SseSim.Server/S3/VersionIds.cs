using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>
/// Version ids in requests and responses. An unversioned bucket's objects are each the version AWS calls "null" and
/// its responses carry no x-amz-version-id; versioned buckets keep every version (docs/formats/s3-metadata-records.md#versioning).
/// </summary>
internal static class VersionIds
{
    /// <summary>The request's versionId, after checking it is shaped like a version id (else InvalidArgument).</summary>
    public static string? Query(S3Call call)
    {
        var versionId = call.Query("versionId");
        ObjectStore.ValidateVersionId(versionId);
        return versionId;
    }

    /// <summary>
    /// x-amz-version-id of a write (PutObject, POST, CopyObject, CompleteMultipartUpload): AWS answers the new version's
    /// id in an Enabled bucket and leaves the header out for the "null" version a Suspended bucket writes.
    /// </summary>
    public static void EchoWritten(S3Call call, string? versionId)
    {
        if (versionId is not (null or "null"))
        {
            call.Response.Headers["x-amz-version-id"] = versionId;
        }
    }

    /// <summary>x-amz-version-id, when there is a version to report.</summary>
    public static void Echo(S3Call call, string? versionId)
    {
        if (versionId is not null)
        {
            call.Response.Headers["x-amz-version-id"] = versionId;
        }
    }
}
