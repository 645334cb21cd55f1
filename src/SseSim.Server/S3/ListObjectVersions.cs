using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>
/// GET /bucket?versions: every version and delete marker in key order, newest first within a key (an unversioned
/// bucket's objects are each their one "null" version). key-marker, version-id-marker, prefix, delimiter, max-keys and
/// encoding-type as AWS reads them; Version and DeleteMarker elements as botocore's ListObjectVersionsOutput has them.
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
            if (!ObjectStore.IsVersionIdShaped(versionIdMarker))
            {
                throw S3Errors.InvalidArgument("Invalid version id specified", "version-id-marker", versionIdMarker);
            }
        }
        var result = await call.Store.ListObjectVersionsAsync(call.Caller, new ListObjectVersionsRequest(call.BucketName)
        {
            Prefix = prefix,
            Delimiter = delimiter,
            MaxKeys = maxKeys,
            KeyMarker = keyMarker,
            VersionIdMarker = string.IsNullOrEmpty(versionIdMarker) ? null : versionIdMarker,
        }, call.Aborted);
        await S3Xml.WriteAsync(call.Response, "ListVersionsResult", w =>
        {
            w.WriteElementString("Name", call.BucketName);
            w.WriteElementString("Prefix", encode(prefix ?? ""));
            w.WriteElementString("KeyMarker", encode(keyMarker ?? ""));
            w.WriteElementString("VersionIdMarker", versionIdMarker ?? "");
            w.Optional("NextKeyMarker", result.NextKeyMarker is null ? null : encode(result.NextKeyMarker));
            w.Optional("NextVersionIdMarker", result.NextVersionIdMarker);
            w.WriteElementString("MaxKeys", S3Xml.Int(maxKeys));
            w.Optional("Delimiter", string.IsNullOrEmpty(delimiter) ? null : encode(delimiter));
            w.WriteElementString("IsTruncated", S3Xml.Bool(result.IsTruncated));
            w.Optional("EncodingType", call.Query("encoding-type") is "url" ? "url" : null);
            var restoreStatus = ListObjects.RestoreStatusRequested(call);
            foreach (var v in result.Versions)
            {
                w.WriteStartElement(v.DeleteMarker ? "DeleteMarker" : "Version");
                w.WriteElementString("Key", encode(v.Key));
                w.WriteElementString("VersionId", v.VersionId);
                w.WriteElementString("IsLatest", S3Xml.Bool(v.IsLatest));
                w.WriteElementString("LastModified", S3Xml.SecondsTimestamp(v.LastModified));
                if (!v.DeleteMarker)
                {
                    w.WriteElementString("ETag", S3Xml.Quote(v.ETag));
                    w.Optional("ChecksumAlgorithm", v.ChecksumAlgorithm);
                    w.Optional("ChecksumType", v.ChecksumType);
                    w.WriteElementString("Size", S3Xml.Int(v.Size));
                    w.WriteElementString("StorageClass", v.StorageClass);
                }
                w.Owner("Owner", v.OwnerAccountId);
                if (restoreStatus)
                {
                    ListObjects.WriteRestoreStatus(w, v.Restore);
                }
                w.WriteEndElement();
            }
            ListObjects.WriteCommonPrefixes(w, result.CommonPrefixes, encode);
        });
    }
}
