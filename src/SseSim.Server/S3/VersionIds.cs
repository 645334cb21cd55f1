using System.Text.RegularExpressions;
using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>
/// Every SseSim bucket is unversioned (as a new AWS bucket is until versioning is enabled), so each object has only
/// the version AWS calls "null". A versionId naming any other version fails the way AWS fails it.
/// </summary>
internal static partial class VersionIds
{
    public const string Null = "null";

    // The shape of the version ids AWS issues (32 URL-safe characters); other text is not a version id at all.
    [GeneratedRegex("^[A-Za-z0-9._-]{32}$")]
    private static partial Regex AwsShape();

    public static void RequireCurrent(string? versionId)
    {
        if (versionId is null or Null)
        {
            return;
        }
        throw Missing(versionId);
    }

    /// <summary>The request's versionId (null or "null") after <see cref="RequireCurrent"/>, for <see cref="Echo"/>.</summary>
    public static string? RequireCurrentForTagging(S3Call call)
    {
        var versionId = call.Query("versionId");
        RequireCurrent(versionId);
        return versionId;
    }

    /// <summary>
    /// The tagging subresources answer x-amz-version-id with the version they acted on; an unversioned bucket's objects
    /// have none to report unless the request named the "null" version itself.
    /// </summary>
    public static void Echo(S3Call call, string? requested)
    {
        if (requested is not null)
        {
            call.Response.Headers["x-amz-version-id"] = requested;
        }
    }

    public static S3Exception Missing(string versionId) => AwsShape().IsMatch(versionId)
        ? S3Errors.Error("NoSuchVersion", "The specified version does not exist.", 404).With("VersionId", versionId)
        : S3Errors.InvalidArgument("Invalid version id specified", "versionId", versionId);
}
