using System.Text;
using System.Xml;
using SseSim.Objects;

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
            w.Optional("Delimiter", string.IsNullOrEmpty(delimiter) ? null : encode(delimiter));
            w.WriteElementString("IsTruncated", S3Xml.Bool(result.IsTruncated));
            // As S3 documents and answers: NextMarker only with a delimiter; without one the client resumes after its last key.
            w.Optional("NextMarker", result.NextMarker is null || string.IsNullOrEmpty(delimiter) ? null : encode(result.NextMarker));
            w.Optional("EncodingType", call.Query("encoding-type") is "url" ? "url" : null);
            WriteEntries(w, result, encode, owner: true, RestoreStatusRequested(call));
        });
    }

    public static int MaxKeys(S3Call call) => Math.Min(1000, S3Headers.IntQuery(call, "max-keys", 0, int.MaxValue) ?? 1000);

    /// <summary>encoding-type=url: keys, prefixes, delimiters and markers in <see cref="UrlEncode"/>'s form, which clients decode.</summary>
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
        return UrlEncode;
    }

    /// <summary>
    /// The form S3 answers encoding-type=url in (form encoding of the UTF-8 bytes): A-Z a-z 0-9 - _ . * and '/' as they
    /// are, a space as '+', every other byte %XX, so a key "a b+c" lists as "a+b%2Bc" (botocore decodes with unquote_plus).
    /// </summary>
    public static string UrlEncode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '*' or '/')
            {
                builder.Append(c);
            }
            else if (c == ' ')
            {
                builder.Append('+');
            }
            else
            {
                builder.Append('%').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
            }
        }
        return builder.ToString();
    }

    private const string HexDigits = "0123456789ABCDEF";

    /// <summary>x-amz-optional-object-attributes: RestoreStatus (the one optional attribute S3 defines).</summary>
    public static bool RestoreStatusRequested(S3Call call) =>
        call.Header("x-amz-optional-object-attributes") is { } attributes
        && attributes.Split(',', StringSplitOptions.TrimEntries).Contains("RestoreStatus", StringComparer.Ordinal);

    public static void WriteEntries(XmlWriter w, ListObjectsResult result, Func<string, string> encode, bool owner, bool restoreStatus)
    {
        foreach (var o in result.Contents)
        {
            w.WriteStartElement("Contents");
            w.WriteElementString("Key", encode(o.Key));
            w.WriteElementString("LastModified", S3Xml.SecondsTimestamp(o.LastModified));
            w.WriteElementString("ETag", S3Xml.Quote(o.ETag));
            w.Optional("ChecksumAlgorithm", o.ChecksumAlgorithm);
            w.Optional("ChecksumType", o.ChecksumType);
            w.WriteElementString("Size", S3Xml.Int(o.Size));
            if (owner)
            {
                w.Owner("Owner", o.OwnerAccountId);
            }
            w.WriteElementString("StorageClass", o.StorageClass);
            if (restoreStatus)
            {
                WriteRestoreStatus(w, o.Restore);
            }
            w.WriteEndElement();
        }
        WriteCommonPrefixes(w, result.CommonPrefixes, encode);
    }

    /// <summary>An archived object's RestoreStatus; nothing for an object without a restore.</summary>
    public static void WriteRestoreStatus(XmlWriter w, RestoreStatus? restore)
    {
        if (restore is null)
        {
            return;
        }
        w.WriteStartElement("RestoreStatus");
        w.WriteElementString("IsRestoreInProgress", S3Xml.Bool(restore.InProgress));
        if (!restore.InProgress)
        {
            w.WriteElementString("RestoreExpiryDate", S3Xml.SecondsTimestamp(restore.Expiry));
        }
        w.WriteEndElement();
    }

    public static void WriteCommonPrefixes(XmlWriter w, IReadOnlyList<string> commonPrefixes, Func<string, string> encode)
    {
        foreach (var p in commonPrefixes)
        {
            w.WriteStartElement("CommonPrefixes");
            w.WriteElementString("Prefix", encode(p));
            w.WriteEndElement();
        }
    }
}
