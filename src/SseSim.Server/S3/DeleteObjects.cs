using System.Xml.Linq;
using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>
/// POST /bucket?delete: &lt;Delete&gt;&lt;Quiet/&gt;&lt;Object&gt;&lt;Key/&gt;&lt;VersionId/&gt;… → DeleteResult (Quiet lists
/// errors only). An object with a VersionId removes that version for good; Deleted entries report the delete marker a
/// delete created (or the marker a versioned delete removed) as DeleteMarker and DeleteMarkerVersionId.
/// </summary>
internal static class DeleteObjects
{
    public static async Task HandleAsync(S3Call call)
    {
        var (quiet, objects) = Parse(await S3Xml.ReadAsync(call, integrityRequired: true));
        var bypass = await S3ObjectLock.DeleteBypassAsync(call);
        // A version id that is not shaped like one, or a key the bucket policy denies, is refused per object; the rest
        // are deleted and answered in request order.
        var refused = objects.Select(o => o.VersionId is { } v && !ObjectStore.IsVersionIdShaped(v) ? ObjectStore.NoSuchVersion(v) : DeniedByPolicy(call, o.Key, o.VersionId)).ToList();
        var deletable = objects.Where((_, i) => refused[i] is null).Select(o => new ObjectIdentifier(o.Key, o.VersionId)).ToList();
        IReadOnlyList<DeleteObjectsEntry> results = deletable.Count == 0 ? [] : await call.Store.DeleteObjectsAsync(call.Caller, call.BucketName, deletable, call.Aborted,
            bypass);
        await S3Xml.WriteAsync(call.Response, "DeleteResult", w =>
        {
            var next = 0;
            for (var i = 0; i < objects.Count; i++)
            {
                var (key, versionId) = objects[i];
                string? code, message;
                DeleteObjectsEntry? stored = null;
                if (refused[i] is { } error)
                {
                    (code, message) = (error.Code, error.Message);
                }
                else
                {
                    stored = results[next++];
                    (code, message) = (stored.ErrorCode, stored.ErrorMessage);
                }
                if (code is null)
                {
                    if (!quiet)
                    {
                        w.WriteStartElement("Deleted");
                        w.WriteElementString("Key", key);
                        w.Optional("VersionId", versionId);
                        if (stored is { DeleteMarker: true })
                        {
                            w.WriteElementString("DeleteMarker", "true");
                            w.Optional("DeleteMarkerVersionId", stored.DeleteMarkerVersionId);
                        }
                        w.WriteEndElement();
                    }
                    continue;
                }
                w.WriteStartElement("Error");
                w.WriteElementString("Key", key);
                w.Optional("VersionId", versionId);
                w.WriteElementString("Code", code);
                w.WriteElementString("Message", message);
                w.WriteEndElement();
            }
        });
    }

    // AWS authorizes every key of a multi-object delete as its own s3:DeleteObject (s3:DeleteObjectVersion with a
    // version id) and answers a denied key with an AccessDenied Error entry, so a Deny on DeleteObject cannot be
    // sidestepped through POST ?delete.
    private static S3Exception? DeniedByPolicy(S3Call call, string key, string? versionId) =>
        S3Endpoint.Denies(call.For(call.BucketName, key, versionId), versionId is null ? "s3:DeleteObject" : "s3:DeleteObjectVersion", call.Header)
            ? S3Errors.Error(S3ErrorCode.AccessDenied, "Access Denied", 403)
            : null;

    /// <summary>Quiet and the objects (key, optional version id) of a &lt;Delete&gt; body; anything else is MalformedXML.</summary>
    public static (bool Quiet, List<(string Key, string? VersionId)> Objects) Parse(XElement? body)
    {
        if (body is null || body.Name.LocalName != "Delete")
        {
            throw S3Errors.MalformedXml();
        }
        var quiet = body.ChildValue("Quiet")?.Trim().Equals("true", StringComparison.OrdinalIgnoreCase) == true;
        var objects = body.Children("Object").Select(o => (o.ChildValue("Key") ?? throw S3Errors.MalformedXml(), o.ChildValue("VersionId"))).ToList();
        // S3 takes at most 1,000 keys per request and answers MalformedXML beyond that.
        if (objects.Count is 0 or > 1000)
        {
            throw S3Errors.MalformedXml();
        }
        return (quiet, objects);
    }
}
