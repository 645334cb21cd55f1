using System.Globalization;
using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>
/// POST /bucket/key?restore[&amp;versionId] with &lt;RestoreRequest&gt;: Days and GlacierJobParameters/Tier. 202 for a
/// new restore, 200 when the restored copy existed and its lifetime was extended. Restores with a SELECT query or an
/// output location are NotImplemented (S3 Select is closed to new customers).
/// </summary>
internal static class RestoreObject
{
    public static async Task HandleAsync(S3Call call)
    {
        var versionId = VersionIds.Query(call);
        var body = await S3Xml.ReadAsync(call);
        if (body is null || body.Name.LocalName != "RestoreRequest")
        {
            throw S3Errors.MalformedXml();
        }
        if (body.Child("Type") is not null || body.Child("SelectParameters") is not null || body.Child("OutputLocation") is not null)
        {
            throw S3Errors.Error(S3ErrorCode.NotImplemented, "Restores with a SELECT query or an output location are not implemented by SseSim.", 501);
        }
        // The top-level Tier belongs to SELECT restores; a plain restore names its tier in GlacierJobParameters, and
        // S3 answers MalformedXML otherwise (aws/aws-sdk-net#3069).
        if (body.Child("Tier") is not null
            || !int.TryParse(body.ChildValue("Days")?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days < 1)
        {
            throw S3Errors.MalformedXml();
        }
        var tier = body.Child("GlacierJobParameters") is { } job
            ? job.ChildValue("Tier")?.Trim() switch
            {
                "Standard" => RestoreTier.Standard,
                "Bulk" => RestoreTier.Bulk,
                "Expedited" => RestoreTier.Expedited,
                _ => throw S3Errors.MalformedXml(),
            }
            : RestoreTier.Standard;
        var alreadyRestored = await call.Store.RestoreObjectAsync(call.Caller, call.BucketName, call.ObjectKey, versionId, days, tier, call.Aborted);
        call.Response.StatusCode = alreadyRestored ? 200 : 202;
    }
}
