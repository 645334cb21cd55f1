using System.Xml;
using SseSim.Objects;
using SseSim.Server.Auth;

namespace SseSim.Server.S3;

/// <summary>GET /bucket (v1): prefix, delimiter, marker, max-keys, encoding-type=url → ListBucketResult.</summary>
internal static class ListObjects
{
    public static async Task HandleAsync(S3Call call)
    {
        var encode = Encoding(call);
        var maxKeys = MaxKeys(call);
        var prefix = call.Query("prefix");
        var delimiter = call.Query("delimiter");
        var marker = call.Query("marker");
        var result = await call.Store.ListObjectsAsync(call.Caller, new ListObjectsRequest(call.BucketName)
        {
            Prefix = prefix,
            Delimiter = delimiter,
            MaxKeys = maxKeys,
            Marker = marker,
        }, call.Aborted);
        await S3Xml.WriteAsync(call.Response, "ListBucketResult", w =>
        {
            w.WriteElementString("Name", call.BucketName);
            w.WriteElementString("Prefix", encode(prefix ?? ""));
            w.WriteElementString("Marker", encode(marker ?? ""));
            w.WriteElementString("MaxKeys", S3Xml.Int(maxKeys));
            w.Optional("Delimiter", delimiter is null ? null : encode(delimiter));
            w.WriteElementString("IsTruncated", S3Xml.Bool(result.IsTruncated));
            w.Optional("NextMarker", result.NextMarker is null ? null : encode(result.NextMarker));
            w.Optional("EncodingType", call.Query("encoding-type") is "url" ? "url" : null);
            WriteEntries(w, result, encode, owner: true);
        });
    }

    public static int MaxKeys(S3Call call) => Math.Min(1000, S3Headers.IntQuery(call, "max-keys", 0, int.MaxValue) ?? 1000);

    /// <summary>encoding-type=url: keys and prefixes percent-encoded (slash kept), which clients decode.</summary>
    public static Func<string, string> Encoding(S3Call call)
    {
        var type = call.Query("encoding-type");
        if (type is null)
        {
            return s => s;
        }
        if (type != "url")
        {
            throw S3Errors.InvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", type);
        }
        return s => SigV4Verifier.UriEncode(s, keepSlash: true);
    }

    public static void WriteEntries(XmlWriter w, ListObjectsResult result, Func<string, string> encode, bool owner)
    {
        foreach (var o in result.Contents)
        {
            w.WriteStartElement("Contents");
            w.WriteElementString("Key", encode(o.Key));
            w.WriteElementString("LastModified", S3Xml.Timestamp(o.LastModified));
            w.WriteElementString("ETag", S3Xml.Quote(o.ETag));
            w.WriteElementString("Size", S3Xml.Int(o.Size));
            if (owner)
            {
                w.Owner("Owner", o.OwnerAccountId);
            }
            w.WriteElementString("StorageClass", o.StorageClass);
            w.WriteEndElement();
        }
        WriteCommonPrefixes(w, result, encode);
    }

    public static void WriteCommonPrefixes(XmlWriter w, ListObjectsResult result, Func<string, string> encode)
    {
        foreach (var p in result.CommonPrefixes)
        {
            w.WriteStartElement("CommonPrefixes");
            w.WriteElementString("Prefix", encode(p));
            w.WriteEndElement();
        }
    }
}
