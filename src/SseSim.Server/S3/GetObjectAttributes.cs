namespace SseSim.Server.S3;

/// <summary>
/// GET /bucket/key?attributes: the attributes named in x-amz-object-attributes (ETag, Checksum, ObjectParts,
/// StorageClass, ObjectSize) from the object's record, without reading or decrypting its body. SSE-C objects need
/// their key headers, as on GET. The ETag comes unquoted, as S3 writes it in this response.
/// </summary>
internal static class GetObjectAttributes
{
    private static readonly string[] Known = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"];

    public static async Task HandleAsync(S3Call call)
    {
        var requested = (call.Header("x-amz-object-attributes") ?? "")
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (requested.Length == 0)
        {
            throw S3Errors.Error("InvalidRequest", "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty", 400);
        }
        if (requested.FirstOrDefault(a => !Known.Contains(a, StringComparer.Ordinal)) is not null)
        {
            throw S3Errors.Error("InvalidArgument", "Invalid attribute name specified.", 400);
        }
        var maxParts = S3Headers.IntHeader(call, "x-amz-max-parts", 0, 1000) ?? 1000;
        var partMarker = S3Headers.IntHeader(call, "x-amz-part-number-marker", 0, 10000) ?? 0;
        var result = await call.Store.HeadObjectAsync(call.Caller, GetObject.ReadRequest(call) with { Range = null, PartNumber = null }, call.Aborted);
        var info = result.Object;
        call.Response.Headers.LastModified = S3Xml.HttpDate(info.LastModified);
        await S3Xml.WriteAsync(call.Response, "GetObjectAttributesResponse", x =>
        {
            if (requested.Contains("ETag"))
            {
                x.WriteElementString("ETag", S3Xml.Namespace, info.ETag);
            }
            if (requested.Contains("Checksum") && info.ChecksumAlgorithm is { } algorithm && info.ChecksumValue is { } value)
            {
                x.WriteStartElement("Checksum", S3Xml.Namespace);
                x.WriteElementString("Checksum" + algorithm.ToUpperInvariant(), S3Xml.Namespace, value);
                x.WriteElementString("ChecksumType", S3Xml.Namespace, info.ChecksumType);
                x.WriteEndElement();
            }
            // Parts are listed only for uploads with part checksums, which SseSim does not keep per part; the count is known.
            if (requested.Contains("ObjectParts") && info.PartsCount is { } parts)
            {
                x.WriteStartElement("ObjectParts", S3Xml.Namespace);
                x.WriteElementString("PartNumberMarker", S3Xml.Namespace, partMarker.ToString(System.Globalization.CultureInfo.InvariantCulture));
                x.WriteElementString("NextPartNumberMarker", S3Xml.Namespace, "0");
                x.WriteElementString("MaxParts", S3Xml.Namespace, maxParts.ToString(System.Globalization.CultureInfo.InvariantCulture));
                x.WriteElementString("IsTruncated", S3Xml.Namespace, "false");
                x.WriteElementString("PartsCount", S3Xml.Namespace, parts.ToString(System.Globalization.CultureInfo.InvariantCulture));
                x.WriteEndElement();
            }
            if (requested.Contains("StorageClass"))
            {
                x.WriteElementString("StorageClass", S3Xml.Namespace, "STANDARD");
            }
            if (requested.Contains("ObjectSize"))
            {
                x.WriteElementString("ObjectSize", S3Xml.Namespace, info.Size.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        });
    }
}
