using SseSim.Objects;

namespace SseSim.Server.S3;

/// <summary>GET /bucket?uploads: prefix, delimiter, key-marker, upload-id-marker, max-uploads, encoding-type → ListMultipartUploadsResult.</summary>
internal static class ListMultipartUploads
{
    public static async Task HandleAsync(S3Call call)
    {
        var maxUploads = Math.Min(1000, S3Headers.IntQuery(call, "max-uploads", 0, int.MaxValue) ?? 1000);
        var prefix = call.Query("prefix");
        var delimiter = call.Query("delimiter");
        var keyMarker = call.Query("key-marker");
        // "If key-marker is not specified, the upload-id-marker parameter is ignored" (ListMultipartUploads reference).
        var uploadIdMarker = string.IsNullOrEmpty(keyMarker) ? null : call.Query("upload-id-marker");
        var encode = ListObjects.Encoding(call);
        var result = await call.Store.ListMultipartUploadsAsync(call.Caller, new ListMultipartUploadsRequest(call.BucketName)
        {
            Prefix = prefix,
            Delimiter = delimiter,
            KeyMarker = string.IsNullOrEmpty(keyMarker) ? null : keyMarker,
            UploadIdMarker = string.IsNullOrEmpty(uploadIdMarker) ? null : uploadIdMarker,
            MaxUploads = maxUploads,
        }, call.Aborted);
        await S3Xml.WriteAsync(call.Response, "ListMultipartUploadsResult", w =>
        {
            w.WriteElementString("Bucket", call.BucketName);
            w.WriteElementString("KeyMarker", encode(keyMarker ?? ""));
            w.WriteElementString("UploadIdMarker", uploadIdMarker ?? "");
            // Both next markers always, empty when nothing was listed, and Prefix only when one was sent
            // (LocalStack test_s3.py test_multipart_and_list_parts, recorded from AWS).
            w.WriteElementString("NextKeyMarker", encode(result.NextKeyMarker ?? ""));
            w.WriteElementString("NextUploadIdMarker", result.NextUploadIdMarker ?? "");
            w.Optional("Prefix", prefix is null ? null : encode(prefix));
            w.Optional("Delimiter", string.IsNullOrEmpty(delimiter) ? null : encode(delimiter));
            w.WriteElementString("MaxUploads", S3Xml.Int(maxUploads));
            w.WriteElementString("IsTruncated", S3Xml.Bool(result.IsTruncated));
            foreach (var u in result.Uploads)
            {
                w.WriteStartElement("Upload");
                w.WriteElementString("Key", encode(u.Key));
                w.WriteElementString("UploadId", u.UploadId);
                w.Owner("Initiator", u.OwnerAccountId);
                w.Owner("Owner", u.OwnerAccountId);
                w.WriteElementString("StorageClass", u.StorageClass);
                w.WriteElementString("Initiated", S3Xml.SecondsTimestamp(u.Initiated));
                w.WriteEndElement();
            }
            foreach (var p in result.CommonPrefixes)
            {
                w.WriteStartElement("CommonPrefixes");
                w.WriteElementString("Prefix", encode(p));
                w.WriteEndElement();
            }
            w.Optional("EncodingType", call.Query("encoding-type") is "url" ? "url" : null);
        });
    }
}
