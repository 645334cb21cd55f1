using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>
/// GET /bucket?versions: in an unversioned bucket each object is its one "null" version, the latest, and there are no
/// delete markers. key-marker, version-id-marker, prefix, delimiter, max-keys and encoding-type as AWS reads them.
/// </summary>
internal static class ListObjectVersions
{
    public static async Task HandleAsync(S3Call call)
    {
        var encode = ListObjects.Encoding(call);
        var maxKeys = ListObjects.MaxKeys(call);
        var prefix = call.Query("prefix");
        var delimiter = call.Query("delimiter");
        var keyMarker = call.Query("key-marker");
        var versionIdMarker = call.Query("version-id-marker");
        if (!string.IsNullOrEmpty(versionIdMarker))
        {
            if (string.IsNullOrEmpty(keyMarker))
            {
                throw S3Errors.InvalidArgument("A version-id marker cannot be specified without a key marker.", "version-id-marker", versionIdMarker);
            }
            VersionIds.RequireCurrent(versionIdMarker);
        }
        // A key has only its null version, so listing resumes after the key marker whether or not a version marker came.
        var result = await call.Store.ListObjectsAsync(call.Caller, new ListObjectsRequest(call.BucketName)
        {
            Prefix = prefix,
            Delimiter = delimiter,
            MaxKeys = maxKeys,
            Marker = string.IsNullOrEmpty(keyMarker) ? null : keyMarker,
        }, call.Aborted);
        var nextKeyMarker = result.IsTruncated ? result.NextMarker ?? result.Contents.LastOrDefault()?.Key : null;
        await S3Xml.WriteAsync(call.Response, "ListVersionsResult", w =>
        {
            w.WriteElementString("Name", call.BucketName);
            w.WriteElementString("Prefix", encode(prefix ?? ""));
            w.WriteElementString("KeyMarker", encode(keyMarker ?? ""));
            w.WriteElementString("VersionIdMarker", versionIdMarker ?? "");
            w.Optional("NextKeyMarker", nextKeyMarker is null ? null : encode(nextKeyMarker));
            w.Optional("NextVersionIdMarker", nextKeyMarker is null ? null : VersionIds.Null);
            w.WriteElementString("MaxKeys", S3Xml.Int(maxKeys));
            w.Optional("Delimiter", delimiter is null ? null : encode(delimiter));
            w.WriteElementString("IsTruncated", S3Xml.Bool(result.IsTruncated));
            w.Optional("EncodingType", call.Query("encoding-type") is "url" ? "url" : null);
            foreach (var o in result.Contents)
            {
                w.WriteStartElement("Version");
                w.WriteElementString("Key", encode(o.Key));
                w.WriteElementString("VersionId", VersionIds.Null);
                w.WriteElementString("IsLatest", "true");
                w.WriteElementString("LastModified", S3Xml.Timestamp(o.LastModified));
                w.WriteElementString("ETag", S3Xml.Quote(o.ETag));
                w.WriteElementString("Size", S3Xml.Int(o.Size));
                w.WriteElementString("StorageClass", o.StorageClass);
                w.Owner("Owner", o.OwnerAccountId);
                w.WriteEndElement();
            }
            ListObjects.WriteCommonPrefixes(w, result, encode);
        });
    }
}
